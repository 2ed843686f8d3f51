"""Data-subject requests (Law 91/2025): rows of the route table (``routes.py``); handlers in
``privacy_handlers.py``. Tag ``privacy``: not among the tags a machine client may reach (``auth.CLIENT_TAGS``),
so a provincial system's token is refused (403) whatever its scopes."""

from contracts.members import MemberSchema
from contracts.privacy import (
    AnonymiseRequestSchema,
    CorrectionRequestSchema,
    ExportRequestSchema,
    PersonalDataExportSchema,
    PrivacyRequestPageSchema,
    PrivacyRequestQuerySchema,
    WithdrawConsentSchema,
)
from gateway.auth import ADMINISTER, WRITE_MEMBERS
from gateway.route import Route

ROUTES = [
    Route("export_personal_data", "POST", "/members/<uuid:member_id>/privacy/export", "privacy",
          "Xuất toàn bộ dữ liệu cá nhân của hội viên theo yêu cầu của chủ thể dữ liệu (không che) / Export "
          "everything held about a member, unmasked, at the member's request", WRITE_MEMBERS,
          PersonalDataExportSchema, body=ExportRequestSchema),
    Route("correct_member", "POST", "/members/<uuid:member_id>/privacy/correct", "privacy",
          "Chỉnh sửa dữ liệu cá nhân theo yêu cầu của chủ thể dữ liệu / Correct a member's data at their request",
          WRITE_MEMBERS, MemberSchema, body=CorrectionRequestSchema, errors=(409,)),
    Route("withdraw_consent", "POST", "/members/<uuid:member_id>/privacy/withdraw-consent", "privacy",
          "Rút lại sự đồng ý (liên lạc, hoặc tư cách hội viên) / Withdraw a consent (contact, or membership)",
          WRITE_MEMBERS, MemberSchema, body=WithdrawConsentSchema, errors=(409,)),
    Route("anonymise_member", "POST", "/members/<uuid:member_id>/privacy/anonymise", "privacy",
          "Xóa (ẩn danh hóa) dữ liệu cá nhân của hội viên / Erase (anonymise) a member's personal data",
          WRITE_MEMBERS, MemberSchema, body=AnonymiseRequestSchema, errors=(409,)),
    Route("list_privacy_requests", "GET", "/privacy-requests", "privacy",
          "Nhật ký yêu cầu của chủ thể dữ liệu / The audit trail of data-subject requests", ADMINISTER,
          PrivacyRequestPageSchema, query=PrivacyRequestQuerySchema),
]
