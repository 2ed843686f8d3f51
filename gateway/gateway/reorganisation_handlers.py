"""The gateway's handlers of the reorganisation routes (``reorganisation_routes``): a mixin of
``GatewayService``.

A dry run asks the members service and the three services that follow its events (funds, evaluations,
notifications) at the same time, and adds their answers as ``services``. Applying a plan is one call to
the members service, which may take a while for large units: it runs under its own deadline
(``REORGANISE_TIMEOUT_SECONDS``, 120). The plan is idempotent by construction (each operation's id is
derived from what it does), so the ``Idempotency-Key`` is only checked for its form: a repeated request
answers ``already_applied: true`` and changes nothing.
"""

from werkzeug.exceptions import RequestEntityTooLarge

from contracts.reorganisation import ReorganisationPlanSchema, ReorganisationResultSchema, ServicePreviewSchema
from gateway.integration_handlers import upload_format
from gateway.reorganisation_mapping import MAX_MAPPING_BYTES, plan_from_mapping
from gateway.reorganisation_routes import (
    DryRunQuerySchema,
    MappingQuerySchema,
    ReorganisationListSchema,
    ReorganisationRequestSchema,
)
from gateway.reports_handlers import concurrently
from gateway.routes import api
from servicekit.config import setting
from servicekit.http import (
    PayloadTooLarge,
    UnsupportedMediaType,
    idempotency_key,
    relay,
    validated_body,
    validated_query,
)
from servicekit.rpc import RpcClient


class SlowRpcClient(RpcClient):
    """An ``RpcClient`` with the deadline of ``REORGANISE_TIMEOUT_SECONDS`` (default 120)."""

    def setup(self):
        self.timeout = setting(self.container.config, "REORGANISE_TIMEOUT_SECONDS", 120.0, float)
        super().setup()


def _too_large():
    limit = MAX_MAPPING_BYTES // 2**20
    return PayloadTooLarge(f"The mapping file is larger than {limit} MiB.", {}, f"Tệp đối chiếu lớn hơn {limit} MiB.")


def read_mapping(request):
    """The uploaded mapping's bytes and format (CSV or XLSX), as the body or the form's ``file`` part."""
    request.max_content_length = MAX_MAPPING_BYTES
    try:
        if request.mimetype == "multipart/form-data":
            part = request.files.get("file")
            if part is None:
                raise UnsupportedMediaType("Send the mapping in a part named 'file'.", {},
                                           "Hãy gửi tệp đối chiếu trong trường 'file'.")  # fmt: skip
            stream, file_format = part.stream, upload_format(part.mimetype, part.filename)
        else:
            stream, file_format = request.stream, upload_format(request.mimetype, None)
        body = stream.read(MAX_MAPPING_BYTES + 1)
    except RequestEntityTooLarge:
        raise _too_large() from None
    if len(body) > MAX_MAPPING_BYTES:
        raise _too_large()
    if file_format not in ("CSV", "XLSX"):
        raise UnsupportedMediaType("Send the mapping as CSV (text/csv) or XLSX.", {},
                                   "Hãy gửi tệp đối chiếu dạng CSV (text/csv) hoặc XLSX.")  # fmt: skip
    return body, file_format


class ReorganisationHandlers:
    members = RpcClient("members")
    funds = RpcClient("funds")
    evaluations = RpcClient("evaluations")
    notifications = RpcClient("notifications")
    reorganiser = SlowRpcClient("members")

    @api
    def reorganise_units(self, request):
        actor = self.auth.actor(request)
        idempotency_key(request)
        dry_run = validated_query(request, DryRunQuerySchema)["dry_run"]
        plan = validated_body(request, ReorganisationRequestSchema)
        dry_run = plan.pop("dry_run", False) or dry_run
        return 200, self._reorganise(actor, plan, dry_run)

    @api
    def reorganise_from_mapping(self, request):
        actor = self.auth.actor(request)
        idempotency_key(request)
        query = validated_query(request, MappingQuerySchema)
        body, file_format = read_mapping(request)
        plan = plan_from_mapping(body, file_format, query["effective_on"], query["decision_ref"])
        schema = ReorganisationPlanSchema()
        return 200, self._reorganise(actor, schema.dump(schema.load(plan)), query["dry_run"])

    @api
    def list_reorganisations(self, request):
        actor = self.auth.actor(request)
        return 200, relay(ReorganisationListSchema, self.members.list_reorganisations(actor))

    def _reorganise(self, actor, plan, dry_run):
        if not dry_run:
            return relay(ReorganisationResultSchema, self.reorganiser.reorganise(actor, plan))
        result, *previews = concurrently(
            (self.members.preview_reorganisation, actor, plan),
            (self.funds.preview_reorganisation, actor, plan),
            (self.evaluations.preview_reorganisation, actor, plan),
            (self.notifications.preview_reorganisation, actor, plan),
        )
        result = relay(ReorganisationResultSchema, result)
        result["services"] = [relay(ServicePreviewSchema, preview) for preview in previews]
        return result
