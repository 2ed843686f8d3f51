"""marshmallow's nested messages become one coded error per dotted field, however deep, and whatever the
nested schema's fields are called."""

import pytest
from marshmallow import ValidationError

from contracts.errors import ValidationFailed
from contracts.reorganisation import ReorganisationPlanSchema


def fields_of(payload):
    with pytest.raises(ValidationError) as raised:
        ReorganisationPlanSchema().load(payload)
    return ValidationFailed.from_marshmallow(raised.value).fields


def test_a_nested_field_named_code_is_flattened_like_any_other():
    fields = fields_of({"operations": [{"kind": "SPLIT", "source_code": "00070",
                                        "targets": [{"key": "a", "code": [1]}]}]})
    assert fields == {"operations.0.targets.0.code": [
        {"code": "invalid_type", "message": "Sai kiểu dữ liệu.", "message_en": "Not a valid string."}]}


def test_errors_at_several_depths_each_get_their_dotted_name():
    fields = fields_of({"operations": [{"kind": "MERGE"}, {"kind": "SPLIT", "source_code": 5}]})
    assert set(fields) == {"operations.0.survivor_code", "operations.1.source_code"}
    assert all(isinstance(e["code"], str) and e["message"] for errors in fields.values() for e in errors)
