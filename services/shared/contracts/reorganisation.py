"""Reorganisation of units: merges and splits (issue 11; DOMAIN.md, "The organisation tree").

A plan is one or several operations with one effective date. The members service owns the org tree and
applies it; every other service follows the events it emits (``units_merged``, ``unit_split`` in
``contracts.member_events``) and answers a dry run for its own part:

    members.preview_reorganisation(actor, plan: ReorganisationPlanSchema)  -> ReorganisationResultSchema
        (dry_run true: nothing written, nothing emitted)
    members.reorganise(actor, plan)                                        -> ReorganisationResultSchema
    members.list_reorganisations(actor)                                    -> {"items": [ReorganisationSchema]}
    funds.preview_reorganisation(actor, plan)                              -> ServicePreviewSchema
    evaluations.preview_reorganisation(actor, plan)                        -> ServicePreviewSchema
    notifications.preview_reorganisation(actor, plan)                      -> ServicePreviewSchema

Only an ADMIN may reorganise, within their scope (every unit named must be inside it; else 404, as a
unit out of scope does not exist for the caller). The plan is validated as a whole before anything is
written: one bad operation and nothing is applied (422 with the operation's index in the field path).

- **MERGE**: ``merged_codes`` are closed (``valid_to`` = the day before ``effective_on``) and everything
  they hold goes to ``survivor_code`` (one of the units merged, as in the 2025 reform, or another unit of
  the same level). Their members move with their history (the membership in the old unit ends, one in the
  survivor starts, reason ``REORGANISED``); units below them move under the survivor (codes kept, paths
  changed); officers and API clients of a closed unit are re-pointed to the survivor.
- **SPLIT**: ``source_code`` hands its members and sub-units to ``targets`` (existing units named by code,
  or new units created here: grassroots units get platform codes, official units need ``code``).
  ``assignments`` map a sub-unit code or a member's id or card number to a target ``key``; what is not
  assigned goes to ``default_target``. The source is closed unless ``keep_source``. A closed source's funds
  and unit-level records go to ``successor`` (default: the default target); a kept source keeps its funds,
  its own records and the members not assigned away (members assigned to a target take their records along).

Idempotent: an operation's id is derived from what it does (kind, codes, effective date); applying it
again returns ``already_applied: true`` and changes nothing.
"""

import uuid

from marshmallow import ValidationError, fields, validate, validates_schema

from contracts.members import Lenient, Strict

OPERATION_KINDS = ("MERGE", "SPLIT")
MAX_OPERATIONS = 500
REORGANISATION_NAMESPACE = uuid.UUID("6d1f5f0e-2c55-4d7e-9a51-5e3b0c8a7e11")


def operation_id(kind, effective_on, codes):
    """The id of an operation: the same kind, date and units always give the same id.
    ``codes``: for MERGE the survivor then the merged codes sorted; for SPLIT the source then the targets'
    keys sorted."""
    return uuid.uuid5(REORGANISATION_NAMESPACE, "|".join([kind, str(effective_on), *codes]))


class SplitTargetSchema(Strict):
    key = fields.String(
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "how assignments name this target: an existing unit's code, or any label"},
    )
    code = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "an existing unit, or the official code of a new commune or province"},
    )
    name = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "for a new unit"},
    )
    kind = fields.String(load_default=None, allow_none=True, metadata={"description": "a new grassroots unit's kind"})


class OperationSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(OPERATION_KINDS))
    # MERGE
    survivor_code = fields.String(load_default=None, allow_none=True)
    merged_codes = fields.List(
        fields.String(), load_default=None, allow_none=True, validate=validate.Length(min=1, max=100)
    )
    # SPLIT
    source_code = fields.String(load_default=None, allow_none=True)
    targets = fields.List(
        fields.Nested(SplitTargetSchema), load_default=None, allow_none=True, validate=validate.Length(min=1, max=100)
    )
    assignments = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        load_default=dict,
        metadata={"description": "sub-unit code, member id or card number -> target key"},
    )
    default_target = fields.String(load_default=None, allow_none=True)
    successor = fields.String(
        load_default=None, allow_none=True, metadata={"description": "target key for funds and records"}
    )
    keep_source = fields.Boolean(load_default=False)

    @validates_schema
    def _shape(self, data, **kwargs):
        if data["kind"] == "MERGE":
            if not data.get("survivor_code"):
                raise ValidationError("A merge names its surviving unit.", "survivor_code")
            if not data.get("merged_codes"):
                raise ValidationError("A merge names the units merged into the survivor.", "merged_codes")
        else:
            if not data.get("source_code"):
                raise ValidationError("A split names the unit split.", "source_code")
            if not data.get("targets"):
                raise ValidationError("A split names its targets.", "targets")
            keys = [t["key"] for t in data["targets"]]
            if len(set(keys)) != len(keys):
                raise ValidationError("Target keys must be distinct.", "targets")
            for field in ("default_target", "successor"):
                if data.get(field) and data[field] not in keys:
                    raise ValidationError("Not one of the targets' keys.", field)
            if any(value not in keys for value in data["assignments"].values()):
                raise ValidationError("An assignment names a target that is not in the plan.", "assignments")


class ReorganisationPlanSchema(Strict):
    effective_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today (Vietnam)"})
    decision_ref = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "the decision behind it, e.g. Nghị quyết 1656/NQ-UBTVQH15"},
    )
    operations = fields.List(
        fields.Nested(OperationSchema), required=True, validate=validate.Length(min=1, max=MAX_OPERATIONS)
    )


class OperationResultSchema(Lenient):
    reorganisation_id = fields.String(required=True)
    kind = fields.String(required=True)
    already_applied = fields.Boolean(required=True)
    survivor_code = fields.String(allow_none=True)
    source_code = fields.String(allow_none=True)
    closed_units = fields.List(fields.String(), required=True)
    created_units = fields.List(fields.String(), required=True)
    moved_units = fields.Integer(required=True, metadata={"description": "units below that change path"})
    moved_members = fields.Integer(required=True)
    moved_officers = fields.Integer(required=True)
    moved_clients = fields.Integer(required=True)
    members_by_target = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class PreviewItemSchema(Lenient):
    what = fields.String(required=True, metadata={"description": "fund, registrations, subscriptions…"})
    from_unit_code = fields.String(required=True)
    to_unit_code = fields.String(required=True)
    count = fields.Integer(required=True)
    amount = fields.Integer(allow_none=True, metadata={"description": "đồng, for balances"})
    label = fields.String(allow_none=True)


class ServicePreviewSchema(Lenient):
    service = fields.String(required=True)
    items = fields.List(fields.Nested(PreviewItemSchema), required=True)


class ReorganisationResultSchema(Lenient):
    dry_run = fields.Boolean(required=True)
    effective_on = fields.Date(required=True)
    decision_ref = fields.String(allow_none=True)
    operations = fields.List(fields.Nested(OperationResultSchema), required=True)
    services = fields.List(
        fields.Nested(ServicePreviewSchema),
        load_default=list,
        metadata={"description": "the gateway adds what funds, evaluations and notifications would move"},
    )


class ReorganisationSchema(Lenient):
    reorganisation_id = fields.String(required=True)
    kind = fields.String(required=True)
    effective_on = fields.Date(required=True)
    decision_ref = fields.String(allow_none=True)
    survivor_code = fields.String(allow_none=True)
    source_code = fields.String(allow_none=True)
    units = fields.List(fields.String(), required=True, metadata={"description": "closed or created units"})
    applied_by = fields.String(allow_none=True)
    applied_at = fields.DateTime(required=True)
