"""The funds service: funds, their double-entry ledger, donations, disbursements, transfers and reports.
Entrypoints only; rules live in usecases (and the ledger's in domain)."""

from contracts.errors import PlatformError
from contracts.funds import (
    ApproveDisbursementSchema,
    CreateFundSchema,
    DisbursementListQuerySchema,
    FundListQuerySchema,
    FundTransferSchema,
    PageQuerySchema,
    PayDisbursementSchema,
    PeriodQuerySchema,
    ProposeDisbursementSchema,
    RecordDonationSchema,
    RejectDisbursementSchema,
    ReverseTransferSchema,
)
from contracts.members import ActorSchema
from contracts.reorganisation import ReorganisationPlanSchema
from contracts.reports import ReportQuerySchema
from funds.models import ORG_UNITS, metadata
from funds.usecases import disbursements, donations, funds, reorganisation, report, reports, transfers
from servicekit import business, ops, orgunits
from servicekit.events import event_handler
from servicekit.logs import CallContext
from servicekit.metrics import Metrics
from servicekit.outbox import OutboxRelay
from servicekit.rpc import rpc
from servicekit.uow import UnitOfWork
from servicekit.validation import load

expected = rpc(expected_exceptions=PlatformError)


def _actor(actor):
    return load(ActorSchema(), actor)


# ops is imported as a module: `nameko run funds.service` takes every class with entrypoints it finds here.
class FundsService(ops.OpsEndpoints):
    name = "funds"

    uow = UnitOfWork(metadata)
    relay = OutboxRelay()
    business_metrics = business.Declare("donations_vnd", "disbursed_vnd")  # at zero from the start
    metrics = Metrics()
    call_context = CallContext()

    # --- the org tree, as members announces it ---------------------------------------------------------

    @event_handler("members", "unit_created")
    def handle_unit_created(self, envelope, payload):
        orgunits.handle_unit_created(self.uow, self.name, ORG_UNITS, envelope, payload)

    @event_handler("members", "units_merged")
    def handle_units_merged(self, envelope, payload):
        reorganisation.follow_reorganisation(self.uow, self.name, envelope, payload)

    @event_handler("members", "unit_split")
    def handle_unit_split(self, envelope, payload):
        reorganisation.follow_reorganisation(self.uow, self.name, envelope, payload)

    @expected
    def preview_reorganisation(self, actor, plan):
        return reorganisation.preview_reorganisation(self.uow, _actor(actor), load(ReorganisationPlanSchema(), plan))

    # --- funds -----------------------------------------------------------------------------------------

    @expected
    def create_fund(self, actor, payload, idempotency_key=None):
        return funds.create_fund(self.uow, _actor(actor), load(CreateFundSchema(), payload), idempotency_key)

    @expected
    def list_funds(self, actor, query):
        return funds.list_funds(self.uow, _actor(actor), load(FundListQuerySchema(), query))

    @expected
    def get_fund(self, actor, fund_id):
        return funds.get_fund(self.uow, _actor(actor), fund_id)

    @expected
    def fund_statement(self, actor, fund_id, query):
        return reports.fund_statement(self.uow, _actor(actor), fund_id, load(PeriodQuerySchema(), query))

    # --- money in and out: ``transfer_id`` is the client's id of the transfer (its Idempotency-Key) -------

    @expected
    def record_donation(self, actor, fund_id, payload, transfer_id):
        command = load(RecordDonationSchema(), payload)
        return donations.record_donation(self.uow, _actor(actor), fund_id, command, transfer_id)

    @expected
    def list_donations(self, actor, fund_id, query):
        return donations.list_donations(self.uow, _actor(actor), fund_id, load(PageQuerySchema(), query))

    @expected
    def donation_receipt(self, actor, donation_id):
        return donations.donation_receipt(self.uow, _actor(actor), donation_id)

    @expected
    def propose_disbursement(self, actor, fund_id, payload, idempotency_key=None):
        command = load(ProposeDisbursementSchema(), payload)
        return disbursements.propose_disbursement(self.uow, _actor(actor), fund_id, command, idempotency_key)

    @expected
    def list_disbursements(self, actor, fund_id, query):
        query = load(DisbursementListQuerySchema(), query)
        return disbursements.list_disbursements(self.uow, _actor(actor), fund_id, query)

    @expected
    def approve_disbursement(self, actor, disbursement_id, payload, idempotency_key=None):
        command = load(ApproveDisbursementSchema(), payload)
        return disbursements.approve_disbursement(self.uow, _actor(actor), disbursement_id, command, idempotency_key)

    @expected
    def reject_disbursement(self, actor, disbursement_id, payload, idempotency_key=None):
        command = load(RejectDisbursementSchema(), payload)
        return disbursements.reject_disbursement(self.uow, _actor(actor), disbursement_id, command, idempotency_key)

    @expected
    def pay_disbursement(self, actor, disbursement_id, payload, transfer_id):
        command = load(PayDisbursementSchema(), payload)
        return disbursements.pay_disbursement(self.uow, _actor(actor), disbursement_id, command, transfer_id)

    @expected
    def transfer_between_funds(self, actor, payload, transfer_id):
        command = load(FundTransferSchema(), payload)
        return transfers.transfer_between_funds(self.uow, _actor(actor), command, transfer_id)

    @expected
    def reverse_transfer(self, actor, original_id, payload, transfer_id):
        command = load(ReverseTransferSchema(), payload)
        return transfers.reverse_transfer(self.uow, _actor(actor), original_id, command, transfer_id)

    @expected
    def get_transfer(self, actor, transfer_id):
        return transfers.get_transfer(self.uow, _actor(actor), transfer_id)

    # --- reports ---------------------------------------------------------------------------------------

    @expected
    def unit_funds_summary(self, actor, unit_code, query):
        return reports.unit_funds_summary(self.uow, _actor(actor), unit_code, load(PeriodQuerySchema(), query))

    @expected
    def unit_disclosure(self, actor, unit_code, query):
        return reports.unit_disclosure(self.uow, _actor(actor), unit_code, load(PeriodQuerySchema(), query))

    @expected
    def review_report_part(self, actor, unit_code, date_from, date_to):
        query = load(ReportQuerySchema(), {"unit": unit_code, "from": date_from, "to": date_to})
        return report.review_report_part(
            self.uow, _actor(actor), query["unit_code"], query["date_from"], query["date_to"]
        )

    # --- service to service (notifications): no actor, personal data only here -------------------------

    @expected
    def donation_contact(self, donation_id):
        return donations.donation_contact(self.uow, donation_id)

    @expected
    def disbursement_view(self, disbursement_id):
        return disbursements.disbursement_view(self.uow, disbursement_id)
