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
