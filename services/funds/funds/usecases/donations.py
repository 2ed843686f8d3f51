"""Donations: recording one (a transfer into the fund and a receipt number), listing, the donor's receipt,
and the donor's contact for the notifications service."""

from contracts.envelope import make_event
from contracts.funds import DonationContactSchema, DonationNotFound, DonationReceiptSchema
from funds import domain, ledger, repository
from funds.models import Donation
from funds.usecases import common
from servicekit import business


def record_donation(uow, actor, fund_id, command, transfer_id):
    """Money (or goods valued in đồng) received by a fund: one donation transfer, one receipt number."""
    common.require_write(actor)
    with uow:
        request = {"fund_id": str(fund_id), **command}
        replay, request_hash = common.claim_transfer_id(uow, "record_donation", transfer_id, actor, request)
        if replay is not None:
            return replay
        fund = common.require_open(common.fund_in_scope(uow.session, actor, fund_id))
        received_on = common.not_in_future(command.get("received_on"), "received_on")
        purpose = common.purpose_code(command.get("purpose"))
        transfer = domain.donation(transfer_id, str(fund.id), command["amount_vnd"], purpose)
        ledger.apply(
            uow.session,
            transfer,
            {
                "fund_id": fund.id,
                "amount_vnd": command["amount_vnd"],
                "purpose": purpose,
                "occurred_on": received_on,
                "note": command.get("note"),
                "created_by": actor["officer_id"],
                "created_at": common.now(),
                "request_hash": request_hash,
            },
        )
        donation = _donation(uow.session, fund, transfer_id, command, received_on, purpose, actor)
        uow.emit(donation_received_event(fund, donation))
        result = common.donation_view(donation, fund.unit_code)
        uow.remember(result)
        uow.commit()
    business.count("funds", "donations_vnd", command["amount_vnd"])  # after the commit, never for a replay
    return result


def _donation(session, fund, transfer_id, command, received_on, purpose, actor):
    seq = repository.take_receipt_seq(session, fund.unit_code, received_on.year)
    donation = Donation(
        id=transfer_id,
        fund_id=fund.id,
        donor_kind=command["donor_kind"],
        donor_name=command.get("donor_name"),
        donor_email=command.get("donor_email"),
        donor_phone=command.get("donor_phone"),
        amount_vnd=command["amount_vnd"],
        received_on=received_on,
        channel=command["channel"],
        in_kind_description=command.get("in_kind_description"),
        purpose=purpose,
        receipt_number=f"{fund.unit_code}-{received_on.year}-{seq:06d}",
        note=command.get("note"),
        recorded_by=actor["officer_id"],
        created_at=common.now(),
    )
    repository.add(session, donation)
    return donation


def donation_received_event(fund, donation):
    return make_event(
        "donation_received",
        {
            "fund_id": fund.id,
            "unit_code": fund.unit_code,
            "unit_path": fund.unit_path,
            "donation_id": donation.id,
            "transfer_id": donation.id,
            "amount_vnd": donation.amount_vnd,
            "purpose": common.purpose_view(donation.purpose),
            "channel": donation.channel,
            "donor_kind": donation.donor_kind,
            "received_on": donation.received_on,
            "receipt_number": donation.receipt_number,
            "has_contact": bool(donation.donor_email or donation.donor_phone),
        },
        "funds",
    )


def list_donations(uow, actor, fund_id, query):
    with uow:
        fund = common.fund_in_scope(uow.session, actor, fund_id)
        donations, total = repository.list_donations(uow.session, fund.id, query["page"], query["page_size"])
        reversed_by = repository.reversal_ids(uow.session, [d.id for d in donations])
        return {
            "items": [common.donation_view(d, fund.unit_code, reversed_by.get(d.id)) for d in donations],
            "page": query["page"],
            "page_size": query["page_size"],
            "total": total,
        }


def donation_receipt(uow, actor, donation_id):
    """The donor's receipt (biên nhận): the figures a tax return needs, no contact details."""
    with uow:
        found = repository.get_donation(uow.session, str(donation_id), common.scope_path(uow.session, actor))
        if found is None:
            raise DonationNotFound(details={"donation_id": str(donation_id)})
        donation, fund = found
        names = repository.unit_names(uow.session, [fund.unit_code])
        return DonationReceiptSchema().dump(
            {
                "receipt_number": donation.receipt_number,
                "donation_id": donation.id,
                "fund_id": fund.id,
                "fund_name": fund.name,
                "unit_code": fund.unit_code,
                "unit_name": names.get(fund.unit_code),
                "donor_kind": donation.donor_kind,
                "donor_name": donation.donor_name,
                "amount_vnd": donation.amount_vnd,
                "amount_text": amount_in_figures(donation.amount_vnd),
                "received_on": donation.received_on,
                "channel": donation.channel,
                "in_kind_description": donation.in_kind_description,
                "purpose": common.purpose_view(donation.purpose),
                "reversed": bool(repository.reversal_ids(uow.session, [donation.id])),
            }
        )


def amount_in_figures(amount_vnd):
    """``5000000`` -> ``"5.000.000 đồng"`` (Vietnamese groups thousands with dots)."""
    return f"{amount_vnd:,} đồng".replace(",", ".")


def donation_contact(uow, donation_id):
    """Service to service (notifications): how to reach the donor, or None when they left no contact."""
    with uow:
        found = repository.get_donation(uow.session, str(donation_id))
        if found is None:
            raise DonationNotFound(details={"donation_id": str(donation_id)})
        donation, fund = found
        if not (donation.donor_email or donation.donor_phone):
            return None
        return DonationContactSchema().dump(
            {
                "donation_id": donation.id,
                "donor_name": donation.donor_name,
                "email": donation.donor_email,
                "phone": donation.donor_phone,
                "fund_name": fund.name,
                "unit_code": fund.unit_code,
                "amount_vnd": donation.amount_vnd,
                "receipt_number": donation.receipt_number,
            }
        )
