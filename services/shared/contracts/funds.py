"""RPC DTOs and errors of the funds service. The gateway also uses them for HTTP bodies and the OpenAPI
document.

Money is an integer of đồng everywhere (``amount_vnd``); a purpose restriction is a code of capital
letters, digits and underscores, or null for unrestricted money. Donor contact details (e-mail, phone)
go in with a donation and come out masked; only the service-to-service ``donation_contact`` returns them.
"""

from marshmallow import ValidationError, fields, validate, validates_schema
from nameko.exceptions import deserialize_to_instance

from contracts.errors import Conflict, NotFound, PlatformError, TransitionRejected, ValidationFailed, field_error
from contracts.members import MAX_PAGE_SIZE, Lenient, Strict

FUND_KINDS = ("GENERAL", "SCHOLARSHIP", "CLAN", "SCHOOL", "OTHER")
DONOR_KINDS = ("PERSON", "ORGANISATION", "ANONYMOUS")
CHANNELS = ("CASH", "BANK_TRANSFER", "IN_KIND")
DISBURSEMENT_KINDS = ("HOC_BONG", "KHEN_THUONG", "HO_TRO")
DISBURSEMENT_STATUSES = ("PROPOSED", "APPROVED", "PAID", "REJECTED")
TRANSFER_KINDS = ("donation", "disbursement_payment", "fund_transfer", "reversal")
MAX_AMOUNT_VND = 10**15  # a single movement; far below what a BIGINT total holds
PURPOSE_PATTERN = r"^[A-Z0-9_]{1,64}$"

# --- errors ------------------------------------------------------------------------------------------
# Registered for RPC like contracts.errors: the gateway catches them as themselves. ``args`` stay
# positional and JSON-serialisable: ``(message_en, details, message_vi)``.


@deserialize_to_instance
class TransferInvalid(ValidationFailed):
    """A transfer that breaks a rule of its own shape; ``reason`` is the machine code of the rule."""

    code = "transfer_invalid"
    default_en = "The transfer is not valid."
    default_vi = "Giao dịch không hợp lệ."

    @classmethod
    def because(cls, reason, field="postings"):
        message_vi, message_en = _INVALID_MESSAGES[reason]
        fields_ = {field: [field_error(reason, message_vi, message_en)]}
        return cls(message_en, {"reason": reason, "fields": fields_}, message_vi)

    @property
    def reason(self):
        return self.details.get("reason")


@deserialize_to_instance
class TransferIdReused(Conflict):
    code = "transfer_id_reused"
    default_en = "This transfer id was already used for a different transfer."
    default_vi = "Mã giao dịch này đã được dùng cho một giao dịch khác."

    @classmethod
    def for_id(cls, transfer_id):
        return cls(None, {"transfer_id": transfer_id})


@deserialize_to_instance
class InsufficientFunds(Conflict):
    """A transfer would take more from a CASH account than it holds; nothing was applied."""

    code = "insufficient_funds"
    default_en = "The fund does not hold enough money for this purpose."
    default_vi = "Quỹ không đủ số dư cho mục đích này."

    @classmethod
    def for_account(cls, key, balance_vnd, requested_vnd):
        account = {"fund_id": str(key.fund_id), "kind": str(key.kind), "purpose": key.purpose}
        return cls(None, {"account": account, "balance_vnd": balance_vnd, "requested_vnd": requested_vnd})

    @property
    def account(self):
        """``{"fund_id", "kind", "purpose"}`` of the account that would have been overdrawn."""
        return self.details.get("account")


@deserialize_to_instance
class ReversalRejected(Conflict):
    code = "reversal_rejected"
    default_en = "This transfer cannot be reversed."
    default_vi = "Không thể đảo giao dịch này."

    @classmethod
    def because(cls, reason, transfer_id, reverses):
        message_vi, message_en = _REVERSAL_MESSAGES[reason]
        return cls(message_en, {"reason": reason, "transfer_id": transfer_id, "reverses": reverses}, message_vi)

    @property
    def reason(self):
        return self.details.get("reason")


@deserialize_to_instance
class DisbursementRejected(TransitionRejected):
    """A disbursement's status does not allow the step (pay before approval, approve after payment)."""

    code = "transition_rejected"
    default_en = "This step is not allowed in the disbursement's current status."
    default_vi = "Không thể thực hiện bước này với trạng thái hiện tại của khoản chi."


@deserialize_to_instance
class ApproverIsProposer(Conflict):
    code = "approver_is_proposer"
    default_en = "A disbursement must be approved by someone other than its proposer."
    default_vi = "Khoản chi phải được phê duyệt bởi người khác với người đề xuất."


@deserialize_to_instance
class FundClosed(Conflict):
    code = "fund_closed"
    default_en = "This fund is closed: it takes no more movements."
    default_vi = "Quỹ này đã đóng: không ghi thêm giao dịch."


@deserialize_to_instance
class FundNotFound(NotFound):
    code = "fund_not_found"
    default_en = "No such fund in your scope."
    default_vi = "Không tìm thấy quỹ trong phạm vi của bạn."


@deserialize_to_instance
class DonationNotFound(NotFound):
    code = "donation_not_found"
    default_en = "No such donation in your scope."
    default_vi = "Không tìm thấy khoản ủng hộ trong phạm vi của bạn."


@deserialize_to_instance
class DisbursementNotFound(NotFound):
    code = "disbursement_not_found"
    default_en = "No such disbursement in your scope."
    default_vi = "Không tìm thấy khoản chi trong phạm vi của bạn."


@deserialize_to_instance
class TransferNotFound(NotFound):
    code = "transfer_not_found"
    default_en = "No such transfer in your scope."
    default_vi = "Không tìm thấy giao dịch trong phạm vi của bạn."


@deserialize_to_instance
class IdempotencyKeyRequired(PlatformError):
    """A command that moves money came without its client-generated id (the ``Idempotency-Key``)."""

    code = "idempotency_key_required"
    default_en = (
        "This request moves money: send an Idempotency-Key header (a new UUID per transfer; the same one when "
        "you retry it). It becomes the transfer's id."
    )
    default_vi = (
        "Yêu cầu này ghi nhận tiền: hãy gửi tiêu đề Idempotency-Key (một UUID mới cho mỗi giao dịch, giữ nguyên "
        "khi gửi lại). Khóa này là mã của giao dịch."
    )


_INVALID_MESSAGES = {
    "id_required": ("Giao dịch phải có mã.", "A transfer needs an id."),
    "too_few_postings": ("Giao dịch phải có ít nhất hai bút toán.", "A transfer needs at least two postings."),
    "amount_not_integer": ("Số tiền phải là số nguyên đồng.", "An amount is a whole number of đồng."),
    "amount_must_be_positive": (
        "Mỗi bút toán ghi đúng một vế Nợ hoặc Có, với số tiền dương.",
        "Each posting has exactly one positive side, debit or credit.",
    ),
    "amount_too_large": ("Số tiền vượt quá giới hạn cho phép.", "The amount exceeds the allowed maximum."),
    "account_invalid": ("Tài khoản của bút toán không hợp lệ.", "A posting's account is not valid."),
    "purpose_invalid": (
        "Mã mục đích chỉ gồm chữ in hoa, chữ số và dấu gạch dưới.",
        "A purpose code has only capital letters, digits and underscores.",
    ),
    "disbursement_kind_invalid": (
        "Loại chi phải là HOC_BONG, KHEN_THUONG hoặc HO_TRO.",
        "A disbursement kind is HOC_BONG, KHEN_THUONG or HO_TRO.",
    ),
    "accounts_must_be_different": (
        "Một tài khoản chỉ xuất hiện một lần trong giao dịch.",
        "An account appears at most once in a transfer.",
    ),
    "debits_must_equal_credits": ("Tổng Nợ phải bằng tổng Có.", "The debits must equal the credits."),
    "reversal_kind_mismatch": (
        "Chỉ giao dịch đảo mới ghi mã giao dịch gốc.",
        "Exactly the reversals name the transfer they reverse.",
    ),
    "same_fund": ("Quỹ chuyển và quỹ nhận phải khác nhau.", "The sending and receiving funds must differ."),
    "overflows_posted": (
        "Tổng phát sinh của tài khoản vượt quá giới hạn lưu trữ.",
        "An account's posted total would exceed what can be stored.",
    ),
}

_REVERSAL_MESSAGES = {
    "original_not_found": ("Không tìm thấy giao dịch gốc.", "The transfer to reverse does not exist."),
    "original_is_reversal": ("Không thể đảo một giao dịch đảo.", "A reversal cannot itself be reversed."),
    "already_reversed": ("Giao dịch này đã được đảo.", "This transfer has already been reversed."),
    "postings_do_not_mirror_original": (
        "Bút toán đảo phải đúng bằng bút toán gốc với Nợ và Có đổi chỗ.",
        "A reversal's postings are the original's with debits and credits swapped.",
    ),
}

# --- shared fields -----------------------------------------------------------------------------------


def _amount(**kwargs):
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_AMOUNT_VND),
        metadata={"description": "whole đồng"},
        **kwargs,
    )


def _purpose(**kwargs):
    kwargs.setdefault(
        "metadata", {"description": "restriction code (e.g. SCHOLARSHIP_POOR_PUPILS); null: unrestricted"}
    )
    return fields.String(allow_none=True, validate=validate.Regexp(PURPOSE_PATTERN), **kwargs)


class PeriodQuerySchema(Strict):
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")

    @validates_schema
    def _period_is_forward(self, data, **kwargs):
        if data["date_from"] > data["date_to"]:
            raise ValidationError("'from' must not be after 'to'.", "to")


class PageQuerySchema(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


# --- funds -------------------------------------------------------------------------------------------


class CreateFundSchema(Strict):
    unit_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(FUND_KINDS))
    donor_name = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "for a named fund: the donor it bears the name of"},
    )
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class FundListQuerySchema(PageQuerySchema):
    unit_code = fields.String(load_default=None, metadata={"description": "the subtree to list; default: yours"})
    kind = fields.String(load_default=None, validate=validate.OneOf(FUND_KINDS))
    include_closed = fields.Boolean(load_default=False)


class PurposeBalanceSchema(Lenient):
    purpose = fields.String(allow_none=True, required=True)
    balance_vnd = fields.Integer(required=True)


class FundBalanceSchema(Lenient):
    cash_vnd = fields.Integer(required=True, metadata={"description": "money held, all purposes"})
    by_purpose = fields.List(fields.Nested(PurposeBalanceSchema), required=True)
    donations_vnd = fields.Integer(required=True)
    disbursements_vnd = fields.Integer(required=True)
    transfers_in_vnd = fields.Integer(required=True)
    transfers_out_vnd = fields.Integer(required=True)


class FundSchema(Lenient):
    id = fields.UUID(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(allow_none=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(FUND_KINDS))
    donor_name = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    closed = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    balance = fields.Nested(FundBalanceSchema, required=True)


class FundPageSchema(Lenient):
    items = fields.List(fields.Nested(FundSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


# --- donations ---------------------------------------------------------------------------------------


class RecordDonationSchema(Strict):
    donor_kind = fields.String(required=True, validate=validate.OneOf(DONOR_KINDS))
    donor_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    donor_email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200))
    donor_phone = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^\+?[0-9 .-]{8,20}$")
    )
    amount_vnd = _amount(required=True)
    received_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    in_kind_description = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "what was given, for IN_KIND (its value in đồng is amount_vnd)"},
    )
    purpose = _purpose(load_default=None)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))

    @validates_schema
    def _donor_and_channel_agree(self, data, **kwargs):
        problems = {}
        if data["donor_kind"] == "ANONYMOUS" and data.get("donor_name"):
            problems["donor_name"] = [
                field_error("anonymous_donor_named", "Người ủng hộ ẩn danh không ghi tên.",
                            "An anonymous donor has no name.")
            ]
        if data["donor_kind"] != "ANONYMOUS" and not data.get("donor_name"):
            problems["donor_name"] = [
                field_error("required", "Hãy nhập tên người hoặc tổ chức ủng hộ.",
                            "Give the name of the person or organisation.")
            ]
        if data["channel"] == "IN_KIND" and not data.get("in_kind_description"):
            problems["in_kind_description"] = [
                field_error("required", "Hãy mô tả hiện vật ủng hộ.", "Describe what was given in kind.")
            ]
        if problems:
            raise ValidationError(problems)


class DonationSchema(Lenient):
    id = fields.String(required=True, metadata={"description": "the transfer id (the Idempotency-Key)"})
    fund_id = fields.UUID(required=True)
    unit_code = fields.String(required=True)
    donor_kind = fields.String(required=True, validate=validate.OneOf(DONOR_KINDS))
    donor_name = fields.String(allow_none=True)
    donor_email_masked = fields.String(allow_none=True, metadata={"description": "e.g. n***@gmail.com"})
    donor_phone_masked = fields.String(allow_none=True, metadata={"description": "e.g. 091****678"})
    amount_vnd = fields.Integer(required=True)
    received_on = fields.Date(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    in_kind_description = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    receipt_number = fields.String(required=True)
    note = fields.String(allow_none=True)
    recorded_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    reversed_by = fields.String(allow_none=True, metadata={"description": "id of the reversal, if reversed"})


class DonationPageSchema(Lenient):
    items = fields.List(fields.Nested(DonationSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


class DonationReceiptSchema(Lenient):
    """What a donor's receipt shows (biên nhận): no contact details."""

    receipt_number = fields.String(required=True)
    donation_id = fields.String(required=True)
    fund_id = fields.UUID(required=True)
    fund_name = fields.String(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(allow_none=True)
    donor_kind = fields.String(required=True)
    donor_name = fields.String(allow_none=True, metadata={"description": "null: anonymous"})
    amount_vnd = fields.Integer(required=True)
    amount_text = fields.String(required=True, metadata={"description": "in figures, e.g. 5.000.000 đồng"})
    received_on = fields.Date(required=True)
    channel = fields.String(required=True)
    in_kind_description = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    reversed = fields.Boolean(required=True)


class DonationContactSchema(Lenient):
    """Service to service only (notifications): how to reach the donor, when they left a contact."""

    donation_id = fields.String(required=True)
    donor_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    fund_name = fields.String(required=True)
    unit_code = fields.String(required=True)
    amount_vnd = fields.Integer(required=True)
    receipt_number = fields.String(required=True)


# --- disbursements -----------------------------------------------------------------------------------


class ProposeDisbursementSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(DISBURSEMENT_KINDS))
    beneficiary_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    amount_vnd = _amount(required=True)
    purpose = _purpose(load_default=None)
    decision_reference = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "số quyết định, e.g. 12/QĐ-KH"},
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ApproveDisbursementSchema(Strict):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class RejectDisbursementSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class PayDisbursementSchema(Strict):
    paid_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})


class DisbursementSchema(Lenient):
    id = fields.UUID(required=True)
    fund_id = fields.UUID(required=True)
    unit_code = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(DISBURSEMENT_KINDS))
    beneficiary_name = fields.String(required=True)
    amount_vnd = fields.Integer(required=True)
    purpose = fields.String(allow_none=True)
    decision_reference = fields.String(required=True)
    note = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(DISBURSEMENT_STATUSES))
    proposed_by = fields.String(required=True)
    proposed_at = fields.AwareDateTime(required=True)
    approved_by = fields.String(allow_none=True)
    approved_at = fields.AwareDateTime(allow_none=True)
    rejected_by = fields.String(allow_none=True)
    rejected_at = fields.AwareDateTime(allow_none=True)
    rejection_reason = fields.String(allow_none=True)
    paid_transfer_id = fields.String(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    paid_at = fields.AwareDateTime(allow_none=True)
    payment_reversed_by = fields.String(allow_none=True)


class DisbursementServiceViewSchema(DisbursementSchema):
    """Service to service (notifications): the disbursement with its fund's name; officers by id."""

    fund_name = fields.String(required=True)


class DisbursementListQuerySchema(PageQuerySchema):
    status = fields.String(load_default=None, validate=validate.OneOf(DISBURSEMENT_STATUSES))


class DisbursementPageSchema(Lenient):
    items = fields.List(fields.Nested(DisbursementSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


# --- transfers ---------------------------------------------------------------------------------------


class FundTransferSchema(Strict):
    from_fund_id = fields.UUID(required=True)
    to_fund_id = fields.UUID(required=True, metadata={"description": "any open fund, in your scope or not"})
    amount_vnd = _amount(required=True)
    purpose = _purpose(load_default=None, metadata={"description": "earmarked money stays earmarked"})
    transferred_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ReverseTransferSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    reversed_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})


class PostingSchema(Lenient):
    fund_id = fields.UUID(required=True)
    account_kind = fields.String(required=True)
    purpose = fields.String(allow_none=True)
    debit_vnd = fields.Integer(required=True)
    credit_vnd = fields.Integer(required=True)


class TransferSchema(Lenient):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(TRANSFER_KINDS))
    fund_id = fields.UUID(required=True, metadata={"description": "the fund it starts from"})
    counter_fund_id = fields.UUID(allow_none=True, metadata={"description": "the receiving fund of a transfer"})
    amount_vnd = fields.Integer(required=True)
    purpose = fields.String(allow_none=True)
    occurred_on = fields.Date(required=True)
    reverses = fields.String(allow_none=True)
    reversed_by = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    postings = fields.List(fields.Nested(PostingSchema), required=True)


# --- reports -----------------------------------------------------------------------------------------


class AmountByKeySchema(Lenient):
    key = fields.String(allow_none=True, required=True)
    amount_vnd = fields.Integer(required=True)


class StatementSchema(Lenient):
    fund_id = fields.UUID(required=True)
    fund_name = fields.String(required=True)
    unit_code = fields.String(required=True)
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")
    opening_balance_vnd = fields.Integer(required=True)
    receipts_vnd = fields.Integer(required=True)
    receipts_by_channel = fields.List(fields.Nested(AmountByKeySchema), required=True)
    receipts_by_purpose = fields.List(fields.Nested(AmountByKeySchema), required=True)
    disbursements_vnd = fields.Integer(required=True)
    disbursements_by_kind = fields.List(fields.Nested(AmountByKeySchema), required=True)
    transfers_in_vnd = fields.Integer(required=True)
    transfers_out_vnd = fields.Integer(required=True)
    reversals_vnd = fields.Integer(
        required=True, metadata={"description": "net effect on the money held of reversals in the period (signed)"}
    )
    closing_balance_vnd = fields.Integer(
        required=True, metadata={"description": "opening + receipts - disbursements + in - out + reversals"}
    )


class KindTotalsSchema(Lenient):
    key = fields.String(required=True)
    funds = fields.Integer(required=True)
    balance_vnd = fields.Integer(required=True)
    receipts_vnd = fields.Integer(required=True)
    disbursements_vnd = fields.Integer(required=True)


class ChildUnitTotalsSchema(Lenient):
    unit_code = fields.String(required=True)
    unit_name = fields.String(allow_none=True)
    funds = fields.Integer(required=True)
    balance_vnd = fields.Integer(required=True)
    receipts_vnd = fields.Integer(required=True)
    disbursements_vnd = fields.Integer(required=True)


class UnitFundsSummarySchema(Lenient):
    unit_code = fields.String(required=True)
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")
    funds = fields.Integer(required=True)
    balance_vnd = fields.Integer(required=True, metadata={"description": "money held on 'to', whole subtree"})
    receipts_vnd = fields.Integer(required=True)
    disbursements_vnd = fields.Integer(required=True)
    by_fund_kind = fields.List(fields.Nested(KindTotalsSchema), required=True)
    by_child_unit = fields.List(
        fields.Nested(ChildUnitTotalsSchema),
        required=True,
        metadata={"description": "each child's whole subtree; the unit's own funds are not in any child"},
    )


class DisclosedReceiptSchema(Lenient):
    receipt_number = fields.String(required=True)
    fund_name = fields.String(required=True)
    donor = fields.String(required=True, metadata={"description": "the name, or 'Ẩn danh' (anonymous)"})
    amount_vnd = fields.Integer(required=True)
    received_on = fields.Date(required=True)
    channel = fields.String(required=True)
    purpose = fields.String(allow_none=True)


class DisclosedSpendingSchema(Lenient):
    fund_name = fields.String(required=True)
    kind = fields.String(required=True)
    beneficiary_name = fields.String(required=True)
    amount_vnd = fields.Integer(required=True)
    paid_on = fields.Date(required=True)
    decision_reference = fields.String(required=True)
    purpose = fields.String(allow_none=True)


class DisclosureSchema(Lenient):
    unit_code = fields.String(required=True)
    unit_name = fields.String(allow_none=True)
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")
    receipts = fields.List(fields.Nested(DisclosedReceiptSchema), required=True)
    spending = fields.List(fields.Nested(DisclosedSpendingSchema), required=True)
    receipts_vnd = fields.Integer(required=True)
    spending_vnd = fields.Integer(required=True)


__all__ = [name for name in dir() if name.endswith("Schema")]
