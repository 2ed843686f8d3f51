"""A row's registration body loaded as ``RegisterMemberSchema().load`` loads it, faster for the usual row.

The schema costs about 0.1 ms a row, most of it marshmallow's own machinery around the fields, and a
provincial file has millions of rows. ``load_command`` checks the common shapes of the common fields inline
(a string where a string is due, a gender or channel out of its list, an ISO date through the same
``date.fromisoformat`` the schema's Date field calls), hands the rarer fields to the schema's own field
objects, and fills the schema's defaults. Whenever anything is not plainly valid (an unknown key, a missing
required field, a wrong type, a field that fails), it loads the payload with the schema instead, so a row
with a problem gets exactly the schema's errors, and a valid row the schema's result
(``tests/unit/test_members_import_commands.py`` compares both on valid and invalid rows).
"""

from datetime import date

from marshmallow import ValidationError

from contracts.members import CONSENT_CHANNELS, GENDERS, ConsentSchema, RegisterMemberSchema

SCHEMA = RegisterMemberSchema()
_FIELDS = SCHEMA.fields
_CONSENT_FIELDS = ConsentSchema().fields
_REQUIRED = frozenset(("cccd", "full_name", "gender", "unit_code", "consent"))
_CONSENT_REQUIRED = frozenset(("given", "channel"))
# What the schema fills in for a field left out (``load_default``); party_member has none: left out, absent.
_DEFAULTS = dict.fromkeys(("birth_date", "birth_year", "phone", "email", "join_date", "ethnicity", "religion"))
_CONSENT_DEFAULTS = {"given_at": None, "guardian_name": None, "guardian_relation": None, "contact": False}


class _Slow(Exception):
    """This value needs the schema (it may be invalid, or of an unusual type)."""


def _text(value):
    if type(value) is not str:
        raise _Slow
    return value


def _one_of(choices):
    def check(value):
        if type(value) is not str or value not in choices:
            raise _Slow
        return value

    return check


def _length(low, high, allow_none=True):
    def check(value):
        if value is None and allow_none:
            return None
        if type(value) is not str or not low <= len(value) <= high:
            raise _Slow
        return value

    return check


def _optional_text(value):
    return None if value is None else _text(value)


def _date(value):
    if value is None:
        return None
    if type(value) is not str:
        raise _Slow
    try:
        return date.fromisoformat(value)  # what fields.Date calls for a string
    except ValueError:
        raise _Slow from None


def _year(value):
    if value is None or (type(value) is int):
        return value
    raise _Slow


def _flag(value):
    if value is True or value is False:
        return value
    raise _Slow


_INLINE = {
    "cccd": _text,
    "full_name": _length(1, 200, allow_none=False),
    "gender": _one_of(GENDERS),
    "birth_date": _date,
    "birth_year": _year,
    "phone": _optional_text,
    "unit_code": _text,
    "join_date": _date,
    "ethnicity": _length(0, 50),
    "religion": _length(0, 50),
}
_CONSENT_INLINE = {"given": _flag, "channel": _one_of(CONSENT_CHANNELS), "contact": _flag}


def load_command(payload):
    """``RegisterMemberSchema().load(payload)``: the same result, or the same ``ValidationError``."""
    try:
        return _fast(payload)
    except (_Slow, ValidationError):
        return SCHEMA.load(payload)


def _fast(payload):
    if type(payload) is not dict or not payload.keys() >= _REQUIRED:
        raise _Slow
    loaded = dict(_DEFAULTS)
    for name, value in payload.items():
        if name == "consent":
            loaded[name] = _consent(value)
        elif name in _INLINE:
            loaded[name] = _INLINE[name](value)
        elif name in _FIELDS:
            loaded[name] = _FIELDS[name].deserialize(value)
        else:
            raise _Slow  # unknown: the schema raises
    if loaded["birth_date"] is None and loaded["birth_year"] is None:
        raise _Slow
    return loaded


def _consent(value):
    if type(value) is not dict or not value.keys() >= _CONSENT_REQUIRED:
        raise _Slow
    loaded = dict(_CONSENT_DEFAULTS)
    for name, item in value.items():
        if name in _CONSENT_INLINE:
            loaded[name] = _CONSENT_INLINE[name](item)
        elif name in _CONSENT_FIELDS:
            loaded[name] = _CONSENT_FIELDS[name].deserialize(item)
        else:
            raise _Slow
    return loaded
