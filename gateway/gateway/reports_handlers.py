"""The gateway's handlers of the activities and review report routes (``reports_routes``): a mixin of
``GatewayService``.

The report's three parts are asked for at the same time (one greenthread each, every call under its own
RPC deadline), then assembled (``report_export.assembly``) and relayed through ``ReviewReportSchema``; a
file is rendered from that same dict, so the JSON, the workbook and the PDF always say the same."""

from datetime import UTC, datetime

import eventlet
from werkzeug.wrappers import Response

from contracts.reports import (
    ActivityPageSchema,
    ActivityQuerySchema,
    ActivitySchema,
    CreateActivitySchema,
    EvaluationsReportPartSchema,
    FundsReportPartSchema,
    MembersReportPartSchema,
    ReportQuerySchema,
    ReviewReportSchema,
)
from gateway.report_export import export
from gateway.report_export.assembly import assemble
from gateway.routes import api
from servicekit.http import idempotency_key, relay, validated_body, validated_query
from servicekit.rpc import RpcClient


def concurrently(*calls):
    """Runs each ``(function, *args)`` in a greenthread of its own; their results in order. The first call
    that failed (in that order) raises its error once every call has ended."""
    threads = [eventlet.spawn(function, *args) for function, *args in calls]
    outcomes = []
    for thread in threads:
        try:
            outcomes.append((thread.wait(), None))
        except Exception as error:  # re-raised below, after the other calls ended
            outcomes.append((None, error))
    for _, error in outcomes:
        if error is not None:
            raise error
    return [result for result, _ in outcomes]


def download(body, media_type, filename):
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Response(body, status=200, headers=headers, content_type=media_type)


class ReportsHandlers:
    members = RpcClient("members")
    funds = RpcClient("funds")
    evaluations = RpcClient("evaluations")

    # --- activities ------------------------------------------------------------------------------------

    @api
    def record_activity(self, request, code):
        actor = self.auth.actor(request)
        payload = validated_body(request, CreateActivitySchema)
        activity = self.members.record_activity(actor, code, payload, idempotency_key=idempotency_key(request))
        return 201, relay(ActivitySchema, activity)

    @api
    def list_activities(self, request, code):
        actor = self.auth.actor(request)
        page = self.members.list_activities(actor, code, validated_query(request, ActivityQuerySchema))
        return 200, relay(ActivityPageSchema, page)

    @api
    def get_activity(self, request, activity_id):
        actor = self.auth.actor(request)
        return 200, relay(ActivitySchema, self.members.get_activity(actor, str(activity_id)))

    @api
    def delete_activity(self, request, activity_id):
        actor = self.auth.actor(request)
        self.members.delete_activity(actor, str(activity_id))
        return Response(status=204)

    # --- the review report -----------------------------------------------------------------------------

    @api
    def review_report(self, request):
        actor = self.auth.actor(request)
        query = validated_query(request, ReportQuerySchema)
        args = (actor, query["unit"], query["from"], query["to"])
        members_part, funds_part, evaluations_part = concurrently(
            (self.members.review_report_part, *args),
            (self.funds.review_report_part, *args),
            (self.evaluations.review_report_part, *args),
        )
        parts = (relay(MembersReportPartSchema, members_part), relay(FundsReportPartSchema, funds_part),
                 relay(EvaluationsReportPartSchema, evaluations_part))  # fmt: skip
        report = relay(ReviewReportSchema, assemble(*parts, query["from"], query["to"], datetime.now(UTC)))
        if query["format"] == "json":
            return 200, report
        return download(*export(report, query["format"]))
