"""The gateway's handlers of the evaluations routes (``evaluations_routes``): a mixin of ``GatewayService``."""

from contracts.evaluations import (
    CampaignListSchema,
    CampaignQuerySchema,
    CampaignSchema,
    CriteriaSetListSchema,
    CriteriaSetSchema,
    DecisionSchema,
    EvaluationPageSchema,
    EvaluationQuerySchema,
    EvaluationSchema,
    EvaluationStatisticsSchema,
    OpenCampaignSchema,
    RegisterEvaluationSchema,
    ReviewSchema,
    SelfAssessmentSchema,
    StatisticsQuerySchema,
)
from gateway.routes import api
from servicekit.http import idempotency_key, relay, validated_body, validated_query
from servicekit.rpc import RpcClient


class EvaluationsHandlers:
    evaluations = RpcClient("evaluations")

    @api
    def list_criteria_sets(self, request):
        actor = self.auth.actor(request)
        return 200, relay(CriteriaSetListSchema, self.evaluations.list_criteria_sets(actor))

    @api
    def get_criteria_set(self, request, set_id):
        actor = self.auth.actor(request)
        return 200, relay(CriteriaSetSchema, self.evaluations.get_criteria_set(actor, set_id))

    @api
    def open_campaign(self, request, code):
        actor = self.auth.actor(request)
        payload = validated_body(request, OpenCampaignSchema)
        campaign = self.evaluations.open_campaign(actor, code, payload, idempotency_key=idempotency_key(request))
        return 201, relay(CampaignSchema, campaign)

    @api
    def list_campaigns(self, request, code):
        actor = self.auth.actor(request)
        query = validated_query(request, CampaignQuerySchema)
        return 200, relay(CampaignListSchema, self.evaluations.list_campaigns(actor, code, query))

    @api
    def get_campaign(self, request, campaign_id):
        actor = self.auth.actor(request)
        return 200, relay(CampaignSchema, self.evaluations.get_campaign(actor, str(campaign_id)))

    @api
    def register_evaluation(self, request):
        actor = self.auth.actor(request)
        payload = validated_body(request, RegisterEvaluationSchema)
        evaluation = self.evaluations.register_evaluation(actor, payload, idempotency_key=idempotency_key(request))
        return 201, relay(EvaluationSchema, evaluation)

    @api
    def list_evaluations(self, request):
        actor = self.auth.actor(request)
        query = validated_query(request, EvaluationQuerySchema)
        return 200, relay(EvaluationPageSchema, self.evaluations.list_evaluations(actor, query))

    @api
    def get_evaluation(self, request, evaluation_id):
        actor = self.auth.actor(request)
        return 200, relay(EvaluationSchema, self.evaluations.get_evaluation(actor, str(evaluation_id)))

    @api
    def submit_self_assessment(self, request, evaluation_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, SelfAssessmentSchema)
        key = idempotency_key(request)
        evaluation = self.evaluations.submit_self_assessment(actor, str(evaluation_id), payload, idempotency_key=key)
        return 200, relay(EvaluationSchema, evaluation)

    @api
    def review_evaluation(self, request, evaluation_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, ReviewSchema)
        key = idempotency_key(request)
        evaluation = self.evaluations.review_evaluation(actor, str(evaluation_id), payload, idempotency_key=key)
        return 200, relay(EvaluationSchema, evaluation)

    @api
    def decide_evaluation(self, request, evaluation_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, DecisionSchema)
        key = idempotency_key(request)
        evaluation = self.evaluations.decide_evaluation(actor, str(evaluation_id), payload, idempotency_key=key)
        return 200, relay(EvaluationSchema, evaluation)

    @api
    def evaluation_statistics(self, request, code):
        actor = self.auth.actor(request)
        query = validated_query(request, StatisticsQuerySchema)
        return 200, relay(EvaluationStatisticsSchema, self.evaluations.evaluation_statistics(actor, code, query))
