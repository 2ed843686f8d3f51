"""The gateway: authenticates, authorises, validates and routes HTTP requests to the services over RPC.

Each handler serves the row of ``routes.ROUTES`` with its name: it loads the body or query through a
contracts schema, calls the service under a timeout, and relays the result through the result's
contract schema. Errors become JSON bodies through ``servicekit.http``'s one table.
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
from gateway import openapi
from gateway.auth import Auth
from gateway.console_handlers import ConsoleHandlers
from gateway.evaluations_handlers import EvaluationsHandlers
from gateway.funds_handlers import FundsHandlers
from gateway.integration_handlers import IntegrationHandlers
from gateway.notifications_handlers import NotificationsHandlers
from gateway.privacy_handlers import PrivacyHandlers
from gateway.reorganisation_handlers import ReorganisationHandlers
from gateway.reports_handlers import ReportsHandlers
from gateway.routes import api
from gateway.schemas import LoginResponseSchema, MeSchema, OfficerListSchema
from servicekit import ops
from servicekit.http import idempotency_key, relay, unmatched_route, validated_body, validated_query
from servicekit.logs import CallContext
from servicekit.metrics import Metrics
from servicekit.rpc import RpcClient


# ``ops.OpsEndpoints``, not the name itself: `nameko run gateway.service` starts every class of the module
# that has entrypoints, and the mixin has no service name. The other services' handlers are mixins too
# (``<service>_handlers.py``), each with its own ``RpcClient``.
class GatewayService(
    ops.OpsEndpoints,
    FundsHandlers,
    EvaluationsHandlers,
    NotificationsHandlers,
    IntegrationHandlers,
    ConsoleHandlers,
    PrivacyHandlers,
    ReportsHandlers,
    ReorganisationHandlers,
):
    name = "gateway"

    members = RpcClient("members")
    auth = Auth()
    metrics = Metrics()
    call_context = CallContext()

    # --- auth ---------------------------------------------------------------------------------------

    @api
    def login(self, request):
        credentials = validated_body(request, LoginSchema)
        officer = self.members.authenticate_officer(credentials["username"], credentials["password"])
        return 200, LoginResponseSchema().dump(self.auth.issue(relay(OfficerSchema, officer)))

    @api
    def ping(self, request):
        self.auth.actor(request)
        return 200, {"pong": self.members.echo("pong")}

    @api
    def me(self, request):
        return 200, MeSchema().dump(self.auth.identity(request))

    # --- units --------------------------------------------------------------------------------------

    @api
    def list_units(self, request):
        actor = self.auth.actor(request)
        units = self.members.list_units(actor, validated_query(request, UnitListQuerySchema))
        return 200, relay(UnitPageSchema, units)

    @api
    def create_unit(self, request):
        actor = self.auth.actor(request)
        payload = validated_body(request, CreateUnitSchema)
        unit = self.members.create_unit(actor, payload, idempotency_key=idempotency_key(request))
        return 201, relay(UnitSchema, unit)

    @api
    def get_unit(self, request, code):
        actor = self.auth.actor(request)
        return 200, relay(UnitSchema, self.members.get_unit(actor, code))

    @api
    def unit_statistics(self, request, code):
        actor = self.auth.actor(request)
        period = validated_query(request, StatisticsQuerySchema)
        return 200, relay(StatisticsSchema, self.members.unit_statistics(actor, code, period))

    # --- members ------------------------------------------------------------------------------------

    @api
    def search_members(self, request):
        actor = self.auth.actor(request)
        page = self.members.search_members(actor, validated_query(request, MemberSearchSchema))
        return 200, relay(MemberPageSchema, page)

    @api
    def register_member(self, request):
        actor = self.auth.actor(request)
        payload = validated_body(request, RegisterMemberSchema)
        member = self.members.register_member(actor, payload, idempotency_key=idempotency_key(request))
        return 201, relay(MemberSchema, member)

    @api
    def get_member(self, request, member_id):
        actor = self.auth.actor(request)
        return 200, relay(MemberSchema, self.members.get_member(actor, str(member_id)))

    @api
    def update_member(self, request, member_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, UpdateMemberSchema)
        return 200, relay(MemberSchema, self.members.update_member(actor, str(member_id), payload))

    @api
    def transfer_member(self, request, member_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, TransferMemberSchema)
        member = self.members.transfer_member(actor, str(member_id), payload, idempotency_key=idempotency_key(request))
        return 200, relay(MemberSchema, member)

    @api
    def leave_member(self, request, member_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, LeaveMemberSchema)
        member = self.members.leave_member(actor, str(member_id), payload, idempotency_key=idempotency_key(request))
        return 200, relay(MemberSchema, member)

    @api
    def rejoin_member(self, request, member_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, RejoinMemberSchema)
        member = self.members.rejoin_member(actor, str(member_id), payload, idempotency_key=idempotency_key(request))
        return 200, relay(MemberSchema, member)

    # --- officers -----------------------------------------------------------------------------------

    @api
    def list_officers(self, request):
        actor = self.auth.actor(request)
        return 200, relay(OfficerListSchema, {"items": self.members.list_officers(actor, {})})

    @api
    def create_officer(self, request):
        actor = self.auth.actor(request)
        payload = validated_body(request, CreateOfficerSchema)
        officer = self.members.create_officer(actor, payload, idempotency_key=idempotency_key(request))
        return 201, relay(OfficerSchema, officer)

    # --- the document and everything else -----------------------------------------------------------

    @api
    def openapi(self, request):
        return 200, openapi.document()

    @unmatched_route
    def unmatched(self, request, path=""):
        """Never runs: ``UnmatchedRoute`` answers 404 or 405 in JSON without a worker."""
