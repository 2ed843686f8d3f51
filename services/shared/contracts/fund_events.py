"""Payloads of the funds service's events (exchange ``funds.events``), versioned (see ``contracts.envelope``).

They carry ids, unit codes, amounts in đồng, purposes and kinds: never a donor's or a beneficiary's name,
phone or e-mail. A consumer that needs to reach a donor asks ``funds.donation_contact(donation_id)`` at
send time, so nothing personal sits in queues or dead-letter queues. Officers appear by id only.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from contracts.envelope import event_schema

SOURCE = "funds"


class _Payload(Schema):
    class Meta:
        unknown = EXCLUDE


def _amount():
    return fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


def _purpose():
    return fields.String(required=True, allow_none=True, metadata={"description": "null: unrestricted"})


class _FundPayload(_Payload):
    fund_id = fields.UUID(required=True)
    unit_code = fields.String(required=True)
    unit_path = fields.String(required=True)


@event_schema("donation_received", 1)
class DonationReceivedV1(_FundPayload):
    donation_id = fields.String(required=True, metadata={"description": "also the transfer id"})
    transfer_id = fields.String(required=True)
    amount_vnd = _amount()
    purpose = _purpose()
    channel = fields.String(required=True)
    donor_kind = fields.String(required=True)
    received_on = fields.Date(required=True)
    receipt_number = fields.String(required=True)
    has_contact = fields.Boolean(required=True, metadata={"description": "the donor left an e-mail or phone"})


class _DisbursementPayload(_FundPayload):
    disbursement_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    amount_vnd = _amount()
    purpose = _purpose()
    proposed_by = fields.String(required=True, metadata={"description": "officer id"})


@event_schema("disbursement_requested", 1)
class DisbursementRequestedV1(_DisbursementPayload):
    pass


@event_schema("disbursement_approved", 1)
class DisbursementApprovedV1(_DisbursementPayload):
    approved_by = fields.String(required=True, metadata={"description": "officer id"})


@event_schema("disbursement_paid", 1)
class DisbursementPaidV1(_DisbursementPayload):
    approved_by = fields.String(required=True)
    transfer_id = fields.String(required=True)
    paid_on = fields.Date(required=True)


@event_schema("fund_transfer_completed", 1)
class FundTransferCompletedV1(_Payload):
    transfer_id = fields.String(required=True)
    from_fund_id = fields.UUID(required=True)
    from_unit_code = fields.String(required=True)
    from_unit_path = fields.String(required=True)
    to_fund_id = fields.UUID(required=True)
    to_unit_code = fields.String(required=True)
    to_unit_path = fields.String(required=True)
    amount_vnd = _amount()
    purpose = _purpose()
    transferred_on = fields.Date(required=True)
