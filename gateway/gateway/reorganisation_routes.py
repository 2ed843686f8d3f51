"""Reorganisation of units (merges and splits): rows of the route table (``routes.py``); handlers in
``reorganisation_handlers.py``. Administrators only, within their scope.

``dry_run`` (in the query or the body) answers what would close, open and move, in the members service
and in funds, evaluations and notifications (``services``), and writes nothing. Applying the same plan
again changes nothing: its operations answer ``already_applied: true``.
"""

from marshmallow import fields

from contracts.members import Lenient, Strict
from contracts.reorganisation import ReorganisationPlanSchema, ReorganisationResultSchema, ReorganisationSchema
from gateway.auth import ADMINISTER
from gateway.route import Route


class ReorganisationRequestSchema(ReorganisationPlanSchema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "show what would move; write nothing"})


class DryRunQuerySchema(Strict):
    dry_run = fields.Boolean(load_default=False)


class MappingQuerySchema(Strict):
    effective_on = fields.Date(load_default=None, metadata={"description": "default: today (Vietnam)"})
    decision_ref = fields.String(load_default=None)
    dry_run = fields.Boolean(load_default=False)


class ReorganisationListSchema(Lenient):
    items = fields.List(fields.Nested(ReorganisationSchema), required=True)


ROUTES = [
    Route("reorganise_units", "POST", "/reorganisations", "reorganisations",
          "Sắp xếp lại đơn vị: sáp nhập, chia tách (dry_run=true để xem trước) / Merge or split units "
          "(dry_run=true to preview)", ADMINISTER, ReorganisationResultSchema, body=ReorganisationRequestSchema,
          query=DryRunQuerySchema, idempotent=True),
    Route("reorganise_from_mapping", "POST", "/reorganisations/mapping", "reorganisations",
          "Sáp nhập theo bảng đối chiếu CSV hoặc XLSX (cột from_code, to_code) / Merges from a CSV or XLSX "
          "mapping (columns from_code, to_code): one merge per to_code", ADMINISTER, ReorganisationResultSchema,
          query=MappingQuerySchema, idempotent=True, errors=(400, 413, 415)),
    Route("list_reorganisations", "GET", "/reorganisations", "reorganisations",
          "Các lần sắp xếp lại đơn vị / Reorganisations applied", ADMINISTER, ReorganisationListSchema),
]  # fmt: skip
