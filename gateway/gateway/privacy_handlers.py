"""The gateway's handlers of the data-subject request routes (``privacy_routes``): a mixin of
``GatewayService``. The export carries the member's full CCCD and phone number (their own data): it is
answered ``Cache-Control: no-store`` so no proxy or browser cache keeps a copy."""

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
from gateway.routes import api
from servicekit.http import relay, validated_body, validated_query
from servicekit.rpc import RpcClient

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class PrivacyHandlers:
    members = RpcClient("members")

    @api
    def export_personal_data(self, request, member_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, ExportRequestSchema)
        export = self.members.export_personal_data(actor, str(member_id), payload)
        return 200, NO_STORE, relay(PersonalDataExportSchema, export)

    @api
    def correct_member(self, request, member_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, CorrectionRequestSchema)
        return 200, relay(MemberSchema, self.members.correct_member(actor, str(member_id), payload))

    @api
    def withdraw_consent(self, request, member_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, WithdrawConsentSchema)
        return 200, relay(MemberSchema, self.members.withdraw_consent(actor, str(member_id), payload))

    @api
    def anonymise_member(self, request, member_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, AnonymiseRequestSchema)
        return 200, relay(MemberSchema, self.members.anonymise_member(actor, str(member_id), payload))

    @api
    def list_privacy_requests(self, request):
        actor = self.auth.actor(request)
        query = validated_query(request, PrivacyRequestQuerySchema)
        return 200, relay(PrivacyRequestPageSchema, self.members.list_privacy_requests(actor, query))
