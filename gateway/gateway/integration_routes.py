"""Machine clients and bulk registration: rows of the route table (``routes.py``).

Handlers in ``integration_handlers.py``.
"""

from contracts.integration import (
    AuditPageSchema,
    AuditQuerySchema,
    ClientListSchema,
    ClientSchema,
    ClientWithSecretSchema,
    CreateClientSchema,
    ImportJobSchema,
    TokenResponseSchema,
    VerificationSchema,
    VerifyMemberSchema,
)
from gateway.auth import ADMINISTER, IMPORT_MEMBERS, READ, WRITE_MEMBERS
from gateway.route import Route

ROUTES = [
    Route("oauth_token", "POST", "/oauth/token", "auth",
          "Cấp mã truy cập cho ứng dụng kết nối (OAuth2 client credentials, form-urlencoded) / "
          "Token for a machine client (OAuth2 client credentials, form-urlencoded)", None, TokenResponseSchema,
          errors=(400, 401)),
    Route("create_client", "POST", "/clients", "clients",
          "Tạo ứng dụng kết nối của tỉnh (mật khẩu chỉ hiện một lần) / Create a provincial API client "
          "(the secret is shown once)", ADMINISTER, ClientWithSecretSchema, 201, body=CreateClientSchema),
    Route("list_clients", "GET", "/clients", "clients", "Danh sách ứng dụng kết nối / List API clients",
          ADMINISTER, ClientListSchema),
    Route("rotate_client_secret", "POST", "/clients/<uuid:client_id>/rotate-secret", "clients",
          "Đổi mật khẩu ứng dụng (mật khẩu cũ hết hiệu lực) / Rotate a client's secret (the old one stops "
          "working)", ADMINISTER, ClientWithSecretSchema),
    Route("disable_client", "POST", "/clients/<uuid:client_id>/disable", "clients",
          "Khóa ứng dụng kết nối / Disable an API client", ADMINISTER, ClientSchema),
    Route("list_audit", "GET", "/audit", "clients",
          "Nhật ký trao đổi của ứng dụng kết nối / Audit log of API clients' exchanges", ADMINISTER,
          AuditPageSchema, query=AuditQuerySchema),
    Route("create_import", "POST", "/imports", "imports",
          "Nhập hội viên hàng loạt từ tệp CSV, XLSX hoặc mảng JSON (xử lý nền) / Bulk registration from a "
          "CSV, XLSX or JSON array (processed in the background)", IMPORT_MEMBERS, ImportJobSchema, 202,
          errors=(400, 413, 415, 422)),
    Route("get_import", "GET", "/imports/<uuid:job_id>", "imports",
          "Tiến độ lượt nhập / Progress of an import job", READ, ImportJobSchema),
    Route("import_errors", "GET", "/imports/<uuid:job_id>/errors", "imports",
          "Báo cáo lỗi từng dòng, cùng định dạng với tệp gửi lên / Per-row error report, in the upload's format",
          READ),
    Route("verify_member", "POST", "/members/<uuid:member_id>/verify", "members",
          "Xác minh danh tính hội viên (thủ công hoặc mã QR trên CCCD) / Verify a member's identity "
          "(manual or the CCCD card's QR code)", WRITE_MEMBERS, VerificationSchema, body=VerifyMemberSchema),
    Route("get_verification", "GET", "/members/<uuid:member_id>/verification", "members",
          "Trạng thái xác minh danh tính / A member's identity verification", READ, VerificationSchema),
]
