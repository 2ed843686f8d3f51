"""The evaluations service's rows of the route table (``routes.py``); handlers in ``evaluations_handlers.py``.

Scope by org subtree is enforced in the service; writing needs WRITE_EVALUATIONS (officers and admins).
"""

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
from gateway.auth import READ, WRITE_EVALUATIONS
from gateway.route import Route

TAG = "evaluations"
EVALUATION = "/evaluations/<uuid:evaluation_id>"

ROUTES = [
    Route("list_criteria_sets", "GET", "/evaluations/criteria-sets", TAG,
          "Danh sách bộ tiêu chí / List the criteria sets", READ, CriteriaSetListSchema),
    Route("get_criteria_set", "GET", "/evaluations/criteria-sets/<set_id>", TAG,
          "Xem bộ tiêu chí, kèm tình trạng nguồn của từng giá trị / A criteria set with the status of every value",
          READ, CriteriaSetSchema),
    Route("open_campaign", "POST", "/units/<code>/evaluation-campaigns", TAG,
          "Mở đợt đánh giá của năm / Open the year's campaign of a unit", WRITE_EVALUATIONS, CampaignSchema, 201,
          body=OpenCampaignSchema, idempotent=True),
    Route("list_campaigns", "GET", "/units/<code>/evaluation-campaigns", TAG,
          "Các đợt đánh giá trong đơn vị / Campaigns in a unit's subtree", READ, CampaignListSchema,
          query=CampaignQuerySchema),
    Route("get_campaign", "GET", "/evaluation-campaigns/<uuid:campaign_id>", TAG,
          "Xem đợt đánh giá / Get a campaign", READ, CampaignSchema),
    Route("register_evaluation", "POST", "/evaluations", TAG,
          "Đăng ký danh hiệu học tập / Register a subject for a title and year", WRITE_EVALUATIONS, EvaluationSchema,
          201, body=RegisterEvaluationSchema, idempotent=True),
    Route("list_evaluations", "GET", "/evaluations", TAG,
          "Tìm hồ sơ đánh giá / List evaluations", READ, EvaluationPageSchema, query=EvaluationQuerySchema),
    Route("get_evaluation", "GET", EVALUATION, TAG, "Xem hồ sơ đánh giá / Get an evaluation", READ,
          EvaluationSchema),
    Route("submit_self_assessment", "POST", f"{EVALUATION}/self-assessment", TAG,
          "Nộp phiếu tự đánh giá / Submit the self-assessment", WRITE_EVALUATIONS, EvaluationSchema,
          body=SelfAssessmentSchema, errors=(409,), idempotent=True),
    Route("review_evaluation", "POST", f"{EVALUATION}/review", TAG,
          "Thẩm định, điều chỉnh điểm có lý do / Review, adjusting points with reasons", WRITE_EVALUATIONS,
          EvaluationSchema, body=ReviewSchema, errors=(409,), idempotent=True),
    Route("decide_evaluation", "POST", f"{EVALUATION}/decision", TAG,
          "Quyết định công nhận / Recognise or not, with the decision reference", WRITE_EVALUATIONS,
          EvaluationSchema, body=DecisionSchema, errors=(409,), idempotent=True),
    Route("evaluation_statistics", "GET", "/units/<code>/evaluations/statistics", TAG,
          "Thống kê danh hiệu học tập theo năm / Titles of a subtree in a year against the targets", READ,
          EvaluationStatisticsSchema, query=StatisticsQuerySchema),
]
