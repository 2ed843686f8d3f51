"""Events of the members service (exchange ``members.events``).

They carry ids, unit codes and dates, never personal data. ``member_version`` grows by one with every
change to a member, so a consumer's projection can ignore an event older than what it has seen
(events may arrive twice and out of order).
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from contracts.envelope import event_schema

SOURCE = "members"


class _Payload(Schema):
    class Meta:
        unknown = EXCLUDE


class _MemberPayload(_Payload):
    member_id = fields.UUID(required=True)
    member_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    unit_code = fields.String(required=True)
    unit_path = fields.String(required=True)


@event_schema("member_registered", 1)
class MemberRegisteredV1(_MemberPayload):
    join_date = fields.Date(required=True)
    import_job_id = fields.String(load_default=None, allow_none=True)


@event_schema("member_updated", 1)
class MemberUpdatedV1(_MemberPayload):
    changed_fields = fields.List(fields.String(), required=True)


@event_schema("member_transferred", 1)
class MemberTransferredV1(_MemberPayload):
    """``unit_code``/``unit_path`` are the new unit; ``from_*`` the unit the member left."""

    from_unit_code = fields.String(required=True)
    from_unit_path = fields.String(required=True)
    transferred_on = fields.Date(required=True)


@event_schema("member_left", 1)
class MemberLeftV1(_MemberPayload):
    left_on = fields.Date(required=True)
    reason_code = fields.String(load_default=None, allow_none=True)


@event_schema("member_rejoined", 1)
class MemberRejoinedV1(_MemberPayload):
    """A member who had left joined again, in ``unit_code``."""

    join_date = fields.Date(required=True)


@event_schema("unit_created", 1)
class UnitCreatedV1(_Payload):
    unit_code = fields.String(required=True)
    parent_code = fields.String(required=True, allow_none=True)
    unit_path = fields.String(required=True)
    level = fields.String(required=True)
    kind = fields.String(load_default=None, allow_none=True)
    name = fields.String(required=True)
    valid_from = fields.Date(required=True)


# --- reorganisation of units (issue 11) ------------------------------------------------------------------
# A merge closes the merged units (valid_to = the day before ``effective_on``) and hands their members,
# funds and records to the survivor; a split hands a unit's members and sub-units to new units. Each
# operation has a ``reorganisation_id`` derived from what it does (kind, codes, date): applying the same
# operation again is a no-op that emits nothing, and a consumer that sees the id twice changes nothing.
# Units below the moved ones change path (their codes never change): ``moved_units`` lists every one with
# its path before and after, so a projection can keep the old path for periods before ``effective_on``.


class _UnitRef(_Payload):
    unit_code = fields.String(required=True)
    unit_path = fields.String(required=True)


class _MovedUnit(_Payload):
    unit_code = fields.String(required=True)
    parent_code = fields.String(required=True)
    from_path = fields.String(required=True)
    to_path = fields.String(required=True)


class _TargetUnit(_UnitRef):
    """A split's target, as ``unit_created`` describes a unit: the split event may arrive first."""

    parent_code = fields.String(required=True)
    level = fields.String(required=True)
    kind = fields.String(load_default=None, allow_none=True)
    name = fields.String(required=True)
    valid_from = fields.Date(required=True)


class _MovedMember(_Payload):
    member_id = fields.UUID(required=True)
    to_unit_code = fields.String(required=True)
    to_unit_path = fields.String(required=True)


class _Reorganisation(_Payload):
    reorganisation_id = fields.UUID(required=True)
    effective_on = fields.Date(required=True)
    decision_ref = fields.String(load_default=None, allow_none=True)
    moved_units = fields.List(fields.Nested(_MovedUnit), load_default=list)


@event_schema("units_merged", 1)
class UnitsMergedV1(_Reorganisation):
    """``merged`` units (their paths before) are closed; their members, funds and records go to
    ``survivor_code``. Members in units below them stay in those units, which now sit under the survivor."""

    survivor_code = fields.String(required=True)
    survivor_path = fields.String(required=True)
    merged = fields.List(fields.Nested(_UnitRef), required=True, validate=validate.Length(min=1))


@event_schema("unit_split", 1)
class UnitSplitV1(_Reorganisation):
    """``source_code`` is split into ``targets`` (created before, each with its ``unit_created``).
    ``moved_members`` are the members of the source itself and where each went; sub-units are in
    ``moved_units``. The source is closed when ``source_closed``; then its funds and unit-level records go to
    ``successor_code`` (a kept source keeps them)."""

    source_code = fields.String(required=True)
    source_path = fields.String(required=True)
    source_closed = fields.Boolean(required=True)
    successor_code = fields.String(required=True)
    successor_path = fields.String(required=True)
    targets = fields.List(fields.Nested(_TargetUnit), required=True, validate=validate.Length(min=1))
    moved_members = fields.List(fields.Nested(_MovedMember), load_default=list)
