"""The gateway's handlers of the funds routes (``funds_routes``): a mixin of ``GatewayService``."""

from contracts.funds import (
    ApproveDisbursementSchema,
    CreateFundSchema,
    DisbursementListQuerySchema,
    DisbursementPageSchema,
    DisbursementSchema,
    DisclosureSchema,
    DonationPageSchema,
    DonationReceiptSchema,
    DonationSchema,
    FundListQuerySchema,
    FundPageSchema,
    FundSchema,
    FundTransferSchema,
    IdempotencyKeyRequired,
    PageQuerySchema,
    PayDisbursementSchema,
    PeriodQuerySchema,
    ProposeDisbursementSchema,
    RecordDonationSchema,
    RejectDisbursementSchema,
    ReverseTransferSchema,
    StatementSchema,
    TransferSchema,
    UnitFundsSummarySchema,
)
from gateway.routes import api
from servicekit.http import idempotency_key, relay, validated_body, validated_query
from servicekit.rpc import RpcClient


def required_transfer_id(request):
    """The ``Idempotency-Key`` of a request that moves money: required, it is the transfer's id."""
    key = idempotency_key(request)
    if key is None:
        raise IdempotencyKeyRequired()
    return key


class FundsHandlers:
    funds = RpcClient("funds")

    # --- funds -----------------------------------------------------------------------------------------

    @api
    def list_funds(self, request):
        actor = self.auth.actor(request)
        return 200, relay(FundPageSchema, self.funds.list_funds(actor, validated_query(request, FundListQuerySchema)))

    @api
    def create_fund(self, request):
        actor = self.auth.actor(request)
        payload = validated_body(request, CreateFundSchema)
        fund = self.funds.create_fund(actor, payload, idempotency_key=idempotency_key(request))
        return 201, relay(FundSchema, fund)

    @api
    def get_fund(self, request, fund_id):
        actor = self.auth.actor(request)
        return 200, relay(FundSchema, self.funds.get_fund(actor, str(fund_id)))

    @api
    def fund_statement(self, request, fund_id):
        actor = self.auth.actor(request)
        period = validated_query(request, PeriodQuerySchema)
        return 200, relay(StatementSchema, self.funds.fund_statement(actor, str(fund_id), period))

    # --- donations -------------------------------------------------------------------------------------

    @api
    def list_donations(self, request, fund_id):
        actor = self.auth.actor(request)
        page = self.funds.list_donations(actor, str(fund_id), validated_query(request, PageQuerySchema))
        return 200, relay(DonationPageSchema, page)

    @api
    def record_donation(self, request, fund_id):
        actor = self.auth.actor(request)
        key = required_transfer_id(request)
        payload = validated_body(request, RecordDonationSchema)
        return 201, relay(DonationSchema, self.funds.record_donation(actor, str(fund_id), payload, key))

    @api
    def donation_receipt(self, request, donation_id):
        actor = self.auth.actor(request)
        return 200, relay(DonationReceiptSchema, self.funds.donation_receipt(actor, donation_id))

    # --- disbursements ---------------------------------------------------------------------------------

    @api
    def list_disbursements(self, request, fund_id):
        actor = self.auth.actor(request)
        query = validated_query(request, DisbursementListQuerySchema)
        return 200, relay(DisbursementPageSchema, self.funds.list_disbursements(actor, str(fund_id), query))

    @api
    def propose_disbursement(self, request, fund_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, ProposeDisbursementSchema)
        key = idempotency_key(request)
        return 201, relay(DisbursementSchema, self.funds.propose_disbursement(actor, str(fund_id), payload, key))

    @api
    def approve_disbursement(self, request, disbursement_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, ApproveDisbursementSchema)
        key = idempotency_key(request)
        disbursement = self.funds.approve_disbursement(actor, str(disbursement_id), payload, key)
        return 200, relay(DisbursementSchema, disbursement)

    @api
    def reject_disbursement(self, request, disbursement_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, RejectDisbursementSchema)
        key = idempotency_key(request)
        return 200, relay(DisbursementSchema, self.funds.reject_disbursement(actor, str(disbursement_id), payload, key))

    @api
    def pay_disbursement(self, request, disbursement_id):
        actor = self.auth.actor(request)
        key = required_transfer_id(request)
        payload = validated_body(request, PayDisbursementSchema)
        return 200, relay(DisbursementSchema, self.funds.pay_disbursement(actor, str(disbursement_id), payload, key))

    # --- transfers -------------------------------------------------------------------------------------

    @api
    def transfer_between_funds(self, request):
        actor = self.auth.actor(request)
        key = required_transfer_id(request)
        payload = validated_body(request, FundTransferSchema)
        return 201, relay(TransferSchema, self.funds.transfer_between_funds(actor, payload, key))

    @api
    def get_transfer(self, request, transfer_id):
        actor = self.auth.actor(request)
        return 200, relay(TransferSchema, self.funds.get_transfer(actor, transfer_id))

    @api
    def reverse_transfer(self, request, transfer_id):
        actor = self.auth.actor(request)
        key = required_transfer_id(request)
        payload = validated_body(request, ReverseTransferSchema)
        return 201, relay(TransferSchema, self.funds.reverse_transfer(actor, transfer_id, payload, key))

    # --- reports ---------------------------------------------------------------------------------------

    @api
    def unit_funds_summary(self, request, code):
        actor = self.auth.actor(request)
        period = validated_query(request, PeriodQuerySchema)
        return 200, relay(UnitFundsSummarySchema, self.funds.unit_funds_summary(actor, code, period))

    @api
    def unit_disclosure(self, request, code):
        actor = self.auth.actor(request)
        period = validated_query(request, PeriodQuerySchema)
        return 200, relay(DisclosureSchema, self.funds.unit_disclosure(actor, code, period))

