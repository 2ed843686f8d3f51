"""The route table: one row per HTTP route. It registers the handlers (``@api`` finds a handler's row
by the handler's name) and generates the OpenAPI document (``openapi.py``), so the two cannot drift.

The members' rows are here; each other service's rows are in ``<service>_routes.py`` and its handlers in
``<service>_handlers.py`` (a mixin of ``GatewayService``).
"""

from contracts.members import (
    CreateOfficerSchema,
    CreateUnitSchema,
    LeaveMemberSchema,
    LoginSchema,
    MemberPageSchema,
    MemberSchema,
    MemberSearchSchema,
    OfficerSchema,
    RegisterMemberSchema,
    RejoinMemberSchema,
    StatisticsQuerySchema,
    StatisticsSchema,
    TransferMemberSchema,
    UnitListQuerySchema,
    UnitPageSchema,
    UnitSchema,
    UpdateMemberSchema,
)
from gateway import (
    console_routes,
    evaluations_routes,
    funds_routes,
    integration_routes,
    notifications_routes,
    privacy_routes,
    reorganisation_routes,
    reports_routes,
)
from gateway.auth import ADMINISTER, READ, WRITE_MEMBERS
from gateway.route import Route
from gateway.schemas import LoginResponseSchema, MeSchema, OfficerListSchema, PingSchema
from servicekit.http import JsonEntrypoint

ROUTES = [
    Route("login", "POST", "/auth/login", "auth", "Đăng nhập / Sign in", None,
          LoginResponseSchema, body=LoginSchema, errors=(401,)),
    Route("me", "GET", "/me", "auth", "Tài khoản đang đăng nhập / The signed-in officer", READ, MeSchema,
          calls_service=False),
    Route("list_units", "GET", "/units", "units", "Danh sách đơn vị / List units", READ,
          UnitPageSchema, query=UnitListQuerySchema),
    Route("create_unit", "POST", "/units", "units", "Tạo đơn vị cơ sở / Create a grassroots unit",
          ADMINISTER, UnitSchema, 201, body=CreateUnitSchema, idempotent=True),
    Route("get_unit", "GET", "/units/<code>", "units", "Xem đơn vị / Get a unit", READ, UnitSchema),
    Route("unit_statistics", "GET", "/units/<code>/statistics", "units",
          "Thống kê hội viên của đơn vị / Member statistics of a unit", READ, StatisticsSchema,
          query=StatisticsQuerySchema),
    Route("search_members", "GET", "/members", "members", "Tìm hội viên / Search members", READ,
          MemberPageSchema, query=MemberSearchSchema),
    Route("register_member", "POST", "/members", "members", "Đăng ký hội viên / Register a member",
          WRITE_MEMBERS, MemberSchema, 201, body=RegisterMemberSchema, idempotent=True),
    Route("get_member", "GET", "/members/<uuid:member_id>", "members",
          "Xem hồ sơ hội viên / Get a member with history", READ, MemberSchema),
    Route("update_member", "PATCH", "/members/<uuid:member_id>", "members",
          "Sửa hồ sơ hội viên / Update a member", WRITE_MEMBERS, MemberSchema, body=UpdateMemberSchema,
          errors=(409,)),
    Route("transfer_member", "POST", "/members/<uuid:member_id>/transfer", "members",
          "Chuyển sinh hoạt hội viên / Transfer a member", WRITE_MEMBERS, MemberSchema,
          body=TransferMemberSchema, idempotent=True),
    Route("leave_member", "POST", "/members/<uuid:member_id>/leave", "members",
          "Ra khỏi hội / A member leaves", WRITE_MEMBERS, MemberSchema, body=LeaveMemberSchema,
          idempotent=True),
    Route("rejoin_member", "POST", "/members/<uuid:member_id>/rejoin", "members",
          "Vào lại hội / A member who left joins again", WRITE_MEMBERS, MemberSchema, body=RejoinMemberSchema,
          idempotent=True),
    Route("list_officers", "GET", "/officers", "officers", "Danh sách cán bộ / List officer accounts",
          ADMINISTER, OfficerListSchema),
    Route("create_officer", "POST", "/officers", "officers", "Tạo tài khoản cán bộ / Create an officer",
          ADMINISTER, OfficerSchema, 201, body=CreateOfficerSchema, idempotent=True),
    Route("ping", "GET", "/ping", "meta",
          "Kiểm tra đường đi tới dịch vụ hội viên / One no-op round trip to the members service", READ,
          PingSchema),
    *funds_routes.ROUTES,
    *evaluations_routes.ROUTES,
    *notifications_routes.ROUTES,
    *integration_routes.ROUTES,
    *console_routes.ROUTES,
    *privacy_routes.ROUTES,
    *reports_routes.ROUTES,
    *reorganisation_routes.ROUTES,
    Route("openapi", "GET", "/openapi.json", "meta", "Tài liệu OpenAPI / This OpenAPI document", None,
          calls_service=False),
]
ROUTES_BY_NAME = {route.name: route for route in ROUTES}


class ApiRoute(JsonEntrypoint):
    """``@api`` on a handler serves the row of ``ROUTES`` with the handler's name."""

    def __init__(self, **kwargs):
        super().__init__("", "", **kwargs)
        self.route = None

    def setup(self):
        self.route = ROUTES_BY_NAME[self.method_name]
        self.method, self.url = self.route.method, self.route.url
        super().setup()


api = ApiRoute.decorator
