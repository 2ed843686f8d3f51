"""Schemas of bodies that exist only over HTTP: the login answer, the signed-in officer, error bodies.
Everything that crosses RPC comes from ``contracts``."""

from marshmallow import fields, validate

from contracts.members import ROLES, Lenient, OfficerSchema


class LoginResponseSchema(Lenient):
    access_token = fields.String(required=True, metadata={"description": "JWT (HS256); send as Bearer"})
    token_type = fields.String(required=True, validate=validate.Equal("Bearer"))
    expires_in = fields.Integer(required=True, metadata={"description": "seconds until the token expires"})
    officer = fields.Nested(OfficerSchema, required=True)


class MeSchema(Lenient):
    officer_id = fields.String(required=True)
    username = fields.String(required=True)
    full_name = fields.String(allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    unit_code = fields.String(required=True, metadata={"description": "root of the subtree you can see"})
    permissions = fields.List(fields.String(), required=True)
    expires_at = fields.AwareDateTime(required=True)


class OfficerListSchema(Lenient):
    items = fields.List(fields.Nested(OfficerSchema), required=True, metadata={"description": "your subtree"})


class FieldErrorSchema(Lenient):
    code = fields.String(required=True, metadata={"description": "machine-readable, e.g. required"})
    message = fields.String(required=True, metadata={"description": "Vietnamese"})
    message_en = fields.String(required=True)


class ErrorSchema(Lenient):
    """Every error answer. Some carry more keys: ``service`` (503), ``call_id`` (500)."""

    code = fields.String(required=True, metadata={"description": "machine-readable, e.g. member_not_found"})
    message = fields.String(required=True, metadata={"description": "Vietnamese"})
    message_en = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.List(fields.Nested(FieldErrorSchema)),
        metadata={"description": "per-field problems (422): dotted field name → list of errors"},
    )
    service = fields.String(metadata={"description": "the service that did not answer (503)"})
    call_id = fields.String(metadata={"description": "quote it when reporting an internal error (500)"})


class PingSchema(Lenient):
    """One no-op RPC through the whole stack: the framework's ceiling that benchmarks divide by."""

    pong = fields.String(required=True)
