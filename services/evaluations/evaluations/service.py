"""The evaluations service: learning-model titles, yearly, from registration to recognition. Entrypoints
only; rules live in ``usecases`` and ``domain``, the configuration in ``policy``."""

import uuid

from contracts.errors import PlatformError
from contracts.evaluations import (
    CampaignNotFound,
    CampaignQuerySchema,
    DecisionSchema,
    EvaluationNotFound,
    EvaluationQuerySchema,
    OpenCampaignSchema,
    RegisterEvaluationSchema,
    ReviewSchema,
    SelfAssessmentSchema,
    StatisticsQuerySchema,
)
from contracts.members import ActorSchema
from contracts.reorganisation import ReorganisationPlanSchema
from contracts.reports import ReportQuerySchema
from evaluations.models import ORG_UNITS, metadata
from evaluations.policy import PolicyProvider
from evaluations.usecases import (
    campaigns,
    criteria,
    lifecycle,
    projection,
    registrations,
    reorganisation,
    report,
    statistics,
)
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


def _uuid(value, error):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise error(details={"id": str(value)}) from None


class EvaluationsService(ops.OpsEndpoints):
    name = "evaluations"

    uow = UnitOfWork(metadata)
    relay = OutboxRelay()
    business_metrics = business.Declare("completed")  # evaluations_completed_total, at zero from the start
    policy = PolicyProvider()
    metrics = Metrics()
    call_context = CallContext()

    # --- criteria sets and campaigns ----------------------------------------------------------------

    @expected
    def list_criteria_sets(self, actor):
        _actor(actor)
        return criteria.list_criteria_sets(self.policy)

    @expected
    def get_criteria_set(self, actor, set_id):
        _actor(actor)
        return criteria.get_criteria_set(self.policy, set_id)

    @expected
    def open_campaign(self, actor, code, payload, idempotency_key=None):
        command = load(OpenCampaignSchema(), payload)
        return campaigns.open_campaign(self.uow, self.policy, _actor(actor), code, command, idempotency_key)

    @expected
    def list_campaigns(self, actor, code, query):
        return campaigns.list_campaigns(self.uow, _actor(actor), code, load(CampaignQuerySchema(), query))

    @expected
    def get_campaign(self, actor, campaign_id):
        return campaigns.get_campaign(self.uow, _actor(actor), _uuid(campaign_id, CampaignNotFound))

    # --- evaluations --------------------------------------------------------------------------------

    @expected
    def register_evaluation(self, actor, payload, idempotency_key=None):
        command = load(RegisterEvaluationSchema(), payload)
        return registrations.register_evaluation(self.uow, self.policy, _actor(actor), command, idempotency_key)

    @expected
    def list_evaluations(self, actor, query):
        query = load(EvaluationQuerySchema(), query)
        return registrations.list_evaluations(self.uow, self.policy, _actor(actor), query)

    @expected
    def get_evaluation(self, actor, evaluation_id):
        evaluation_id = _uuid(evaluation_id, EvaluationNotFound)
        return registrations.get_evaluation(self.uow, self.policy, _actor(actor), evaluation_id)

    @expected
    def submit_self_assessment(self, actor, evaluation_id, payload, idempotency_key=None):
        command = load(SelfAssessmentSchema(), payload)
        evaluation_id = _uuid(evaluation_id, EvaluationNotFound)
        return lifecycle.submit_self_assessment(
            self.uow, self.policy, _actor(actor), evaluation_id, command, idempotency_key=idempotency_key
        )

    @expected
    def review_evaluation(self, actor, evaluation_id, payload, idempotency_key=None):
        command = load(ReviewSchema(), payload)
        evaluation_id = _uuid(evaluation_id, EvaluationNotFound)
        return lifecycle.review_evaluation(
            self.uow, self.policy, _actor(actor), evaluation_id, command, idempotency_key=idempotency_key
        )

    @expected
    def decide_evaluation(self, actor, evaluation_id, payload, idempotency_key=None):
        command = load(DecisionSchema(), payload)
        evaluation_id = _uuid(evaluation_id, EvaluationNotFound)
        return lifecycle.decide_evaluation(
            self.uow, self.policy, _actor(actor), evaluation_id, command, idempotency_key=idempotency_key
        )

    @expected
    def evaluation_statistics(self, actor, code, query):
        query = load(StatisticsQuerySchema(), query)
        return statistics.evaluation_statistics(self.uow, self.policy, _actor(actor), code, query)

    # --- the review report and reorganisations (issue 11) --------------------------------------------

    @expected
    def review_report_part(self, actor, unit_code, date_from, date_to):
        query = load(ReportQuerySchema(), {"unit": unit_code, "from": date_from, "to": date_to})
        return report.review_report_part(self.uow, self.policy, _actor(actor), query)

    @expected
    def preview_reorganisation(self, actor, plan):
        plan = load(ReorganisationPlanSchema(), plan)
        return reorganisation.preview_reorganisation(self.uow, _actor(actor), plan)

    # --- for other services (no actor: not on a user's request path) ---------------------------------

    @expected
    def upcoming_deadlines(self, within_days):
        return campaigns.upcoming_deadlines(self.uow, max(0, min(int(within_days), 366)))

    @expected
    def evaluation_view(self, evaluation_id):
        return registrations.evaluation_brief(self.uow, _uuid(evaluation_id, EvaluationNotFound))

    # --- projections --------------------------------------------------------------------------------

    @event_handler("members", "unit_created")
    def handle_unit_created(self, envelope, payload):
        orgunits.handle_unit_created(self.uow, self.name, ORG_UNITS, envelope, payload)

    @event_handler("members", "units_merged")
    def handle_units_merged(self, envelope, payload):
        reorganisation.follow_reorganisation(self.uow, self.name, envelope, payload)

    @event_handler("members", "unit_split")
    def handle_unit_split(self, envelope, payload):
        reorganisation.follow_reorganisation(self.uow, self.name, envelope, payload)

    @event_handler("members", "member_registered")
    def handle_member_registered(self, envelope, payload):
        projection.record_member_event(self.uow, self.name, envelope, payload)

    @event_handler("members", "member_transferred")
    def handle_member_transferred(self, envelope, payload):
        projection.record_member_event(self.uow, self.name, envelope, payload)

    @event_handler("members", "member_left")
    def handle_member_left(self, envelope, payload):
        projection.record_member_event(self.uow, self.name, envelope, payload)

    @event_handler("members", "member_rejoined")
    def handle_member_rejoined(self, envelope, payload):
        projection.record_member_event(self.uow, self.name, envelope, payload)
