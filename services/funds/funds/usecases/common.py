"""What every funds use case needs: the actor's scope, the clock, transfer ids, the views returned over RPC."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

from contracts.errors import IdempotencyKeyReused, PermissionDenied, ValidationFailed, field_error
from contracts.funds import (
    DisbursementSchema,
    DonationSchema,
    FundClosed,
    FundNotFound,
    FundSchema,
    IdempotencyKeyRequired,
    TransferIdReused,
    TransferSchema,
)
from funds import domain, ledger, repository
from funds.models import ORG_UNITS
from servicekit import orgunits

VIETNAM = timezone(timedelta(hours=7))  # no daylight saving time
WRITERS = ("OFFICER", "ADMIN")
MAX_TRANSFER_ID_LENGTH = 200
# Transfer ids are global, as TigerBeetle's are: one id names one transfer whoever sent it. The kit's
# idempotency table keeps them under this principal, apart from the per-officer keys of other commands.
TRANSFER_ID_PRINCIPAL = "transfer"


def today():
    """Dates the association records (received, paid) are Vietnamese calendar dates."""
    return datetime.now(VIETNAM).date()


def now():
    return datetime.now(UTC)


def scope_path(session, actor):
    return orgunits.scope_path(session, ORG_UNITS, actor)


def require_write(actor):
    if actor["role"] not in WRITERS:
        raise PermissionDenied()


def parse_uuid(value, not_found):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise not_found(details={"id": str(value)}) from None


def fund_in_scope(session, actor, fund_id):
    """The fund if it lies in the actor's subtree; else ``FundNotFound`` (404, as if absent)."""
    fund = repository.get_fund(session, parse_uuid(fund_id, FundNotFound), scope_path(session, actor))
    if fund is None:
        raise FundNotFound(details={"fund_id": str(fund_id)})
    return fund


def require_open(fund):
    if fund.closed_at is not None:
        raise FundClosed(details={"fund_id": str(fund.id)})
    return fund


def not_in_future(day, field):
    """``day``, or today when it is not given; a date after today is refused (records state what happened)."""
    current = today()
    if day is None:
        return current
    if day > current:
        raise ValidationFailed.from_fields(
            {
                field: [
                    field_error(
                        "date_in_future",
                        "Ngày này chưa tới: chỉ ghi nhận những việc đã xảy ra.",
                        "This date is in the future: records state what has happened.",
                    )
                ]
            }
        )
    return day


def purpose_code(purpose):
    """The API's purpose (None: unrestricted) as the ledger's (``""``)."""
    return purpose or domain.UNRESTRICTED


def purpose_view(purpose):
    return purpose or None


# --- money commands: the client's id is the transfer's id ---------------------------------------------


def claim_transfer_id(uow, operation, transfer_id, actor, request):
    """Claim ``transfer_id`` for this request, or return the first result of the identical request.

    Same id and same request (the same officer sending the same body for the same target) replays the
    first answer; anything else under a used id is ``transfer_id_reused``. The kit's key row is written
    first, so a concurrent retry waits for this transaction (PostgreSQL) and replays its answer. A refused
    transfer rolls back with its key: the id stays free, as in TigerBeetle before ``id_already_failed``.
    Returns ``(replay, hash)``: the stored answer or None, and the request hash for the transfer row.
    """
    if not transfer_id:
        raise IdempotencyKeyRequired()
    if not isinstance(transfer_id, str) or len(transfer_id) > MAX_TRANSFER_ID_LENGTH:
        raise domain.TransferInvalid.because("id_required", field="transfer_id")
    signed = {"officer_id": actor["officer_id"], **request}
    try:
        replay = uow.idempotent(operation, TRANSFER_ID_PRINCIPAL, transfer_id, signed)
    except IdempotencyKeyReused:
        raise TransferIdReused.for_id(transfer_id) from None
    return replay, ledger.request_hash(operation, signed)


# --- views (JSON-ready) --------------------------------------------------------------------------------


def mask_email(email):
    """``nguyen.an@gmail.com`` -> ``n***@gmail.com``."""
    if not email:
        return None
    local, _, domain_part = email.partition("@")
    return f"{local[:1]}***@{domain_part}"


def mask_phone(phone):
    """``0912 345 678`` -> ``091****678``, as the members service shows phone numbers."""
    if not phone:
        return None
    digits = "".join(c for c in phone if c.isdigit())
    return f"{digits[:3]}****{digits[-3:]}" if len(digits) >= 7 else "****"


def fund_balance(fund_id, states):
    """The fund's balances from its accounts' posted totals (``{AccountKey: AccountState}``)."""
    totals = dict.fromkeys(domain.AccountKind, 0)
    by_purpose = {}
    for key, state in states.items():
        if key.fund_id != str(fund_id):
            continue
        amount = domain.balance(key, state)
        totals[key.kind] += amount
        if key.kind == domain.AccountKind.CASH:
            by_purpose[key.purpose] = by_purpose.get(key.purpose, 0) + amount
    return {
        "cash_vnd": totals[domain.AccountKind.CASH],
        "by_purpose": [{"purpose": purpose_view(p), "balance_vnd": v} for p, v in sorted(by_purpose.items())],
        "donations_vnd": totals[domain.AccountKind.DONATIONS],
        "disbursements_vnd": totals[domain.AccountKind.DISBURSEMENTS],
        "transfers_in_vnd": totals[domain.AccountKind.TRANSFERS_IN],
        "transfers_out_vnd": totals[domain.AccountKind.TRANSFERS_OUT],
    }


def fund_view(fund, states, unit_name=None):
    return FundSchema().dump(
        {
            "id": fund.id,
            "unit_code": fund.unit_code,
            "unit_name": unit_name,
            "name": fund.name,
            "kind": fund.kind,
            "donor_name": fund.donor_name,
            "description": fund.description,
            "closed": fund.closed_at is not None,
            "created_at": fund.created_at,
            "balance": fund_balance(fund.id, states),
        }
    )


def donation_view(donation, unit_code, reversed_by=None):
    return DonationSchema().dump(
        {
            "id": donation.id,
            "fund_id": donation.fund_id,
            "unit_code": unit_code,
            "donor_kind": donation.donor_kind,
            "donor_name": donation.donor_name,
            "donor_email_masked": mask_email(donation.donor_email),
            "donor_phone_masked": mask_phone(donation.donor_phone),
            "amount_vnd": donation.amount_vnd,
            "received_on": donation.received_on,
            "channel": donation.channel,
            "in_kind_description": donation.in_kind_description,
            "purpose": purpose_view(donation.purpose),
            "receipt_number": donation.receipt_number,
            "note": donation.note,
            "recorded_by": donation.recorded_by,
            "created_at": donation.created_at,
            "reversed_by": reversed_by,
        }
    )


def disbursement_view(disbursement, unit_code, payment_reversed_by=None):
    return DisbursementSchema().dump(
        {
            "id": disbursement.id,
            "fund_id": disbursement.fund_id,
            "unit_code": unit_code,
            "kind": disbursement.kind,
            "beneficiary_name": disbursement.beneficiary_name,
            "amount_vnd": disbursement.amount_vnd,
            "purpose": purpose_view(disbursement.purpose),
            "decision_reference": disbursement.decision_reference,
            "note": disbursement.note,
            "status": disbursement.status,
            "proposed_by": disbursement.proposed_by,
            "proposed_at": disbursement.proposed_at,
            "approved_by": disbursement.approved_by,
            "approved_at": disbursement.approved_at,
            "rejected_by": disbursement.rejected_by,
            "rejected_at": disbursement.rejected_at,
            "rejection_reason": disbursement.rejection_reason,
            "paid_transfer_id": disbursement.paid_transfer_id,
            "paid_on": disbursement.paid_on,
            "paid_at": disbursement.paid_at,
            "payment_reversed_by": payment_reversed_by,
        }
    )


def transfer_view(row, transfer, reversed_by=None):
    """``row`` is the transfers row, ``transfer`` the same as a ``domain.Transfer`` (its postings)."""
    return TransferSchema().dump(
        {
            "id": row.id,
            "kind": row.kind,
            "fund_id": row.fund_id,
            "counter_fund_id": row.counter_fund_id,
            "amount_vnd": row.amount_vnd,
            "purpose": purpose_view(row.purpose),
            "occurred_on": row.occurred_on,
            "reverses": row.reverses,
            "reversed_by": reversed_by,
            "note": row.note,
            "created_by": row.created_by,
            "created_at": row.created_at,
            "postings": [
                {
                    "fund_id": p.account.fund_id,
                    "account_kind": str(p.account.kind),
                    "purpose": purpose_view(p.account.purpose),
                    "debit_vnd": p.debit,
                    "credit_vnd": p.credit,
                }
                for p in transfer.postings
            ],
        }
    )
