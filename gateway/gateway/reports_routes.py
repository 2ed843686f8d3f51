"""Activities and the review report: rows of the route table (``routes.py``); handlers in
``reports_handlers.py``.

The report (``GET /reports/review``) is assembled at the gateway from the members, funds and evaluations
services' parts (``contracts.reports``), asked for at the same time. ``format=json`` answers the report;
``format=xlsx`` and ``format=pdf`` answer it as a file to download (``report_export``).
"""

from contracts.reports import (
    ActivityPageSchema,
    ActivityQuerySchema,
    ActivitySchema,
    CreateActivitySchema,
    ReportQuerySchema,
    ReviewReportSchema,
)
from gateway.auth import READ, WRITE_MEMBERS
from gateway.report_export import MEDIA_TYPES
from gateway.route import Route

ROUTES = [
    Route("record_activity", "POST", "/units/<code>/activities", "activities",
          "Ghi nhận hoạt động (buổi sinh hoạt học tập, lớp tập huấn, đợt vận động) / Record an activity",
          WRITE_MEMBERS, ActivitySchema, 201, body=CreateActivitySchema, idempotent=True),
    Route("list_activities", "GET", "/units/<code>/activities", "activities",
          "Hoạt động của đơn vị và cấp dưới trong kỳ / Activities of a unit's subtree in a period", READ,
          ActivityPageSchema, query=ActivityQuerySchema),
    Route("get_activity", "GET", "/activities/<uuid:activity_id>", "activities",
          "Xem hoạt động / Get an activity", READ, ActivitySchema),
    Route("delete_activity", "DELETE", "/activities/<uuid:activity_id>", "activities",
          "Xóa hoạt động ghi nhầm / Delete an activity recorded by mistake", WRITE_MEMBERS, status=204),
    Route("review_report", "GET", "/reports/review", "reports",
          "Báo cáo sơ kết, tổng kết của đơn vị và cấp dưới trong kỳ: hội viên, hoạt động, quỹ, danh hiệu "
          "(format=json, xlsx hoặc pdf) / The review report of a unit's subtree for a period (JSON, XLSX or "
          "PDF with charts, in Vietnamese)", READ, ReviewReportSchema, query=ReportQuerySchema,
          files=tuple(MEDIA_TYPES.values())),
]  # fmt: skip
