"""The import's fast load of a registration body gives what ``RegisterMemberSchema().load`` gives: the same
command for a valid row, the same errors for every other, over rows as CSV files and JSON arrays bring them."""

import itertools
import random
from datetime import date

import pytest
from marshmallow import ValidationError

from contracts.members import RegisterMemberSchema
from members.importing import commands
from members.importing.commands import load_command
from members.importing.rows import command_payload

SCHEMA = RegisterMemberSchema()

CSV_ROW = {"cccd": "001090012345", "full_name": "Nguyễn Văn An", "gender": "Nam", "birth_date": "1990-05-17",
           "unit_code": "00070", "consent_given": "có", "consent_channel": "ONLINE_FORM"}  # fmt: skip
JSON_ROW = {"cccd": "001090012345", "full_name": "Nguyễn Văn An", "gender": "MALE", "birth_year": 1990,
            "unit_code": "00070", "consent": {"given": True, "channel": "PAPER_FORM"}}  # fmt: skip

# Values each field may take in a file: the usual, the odd but valid, and the invalid.
VARIANTS = {
    "cccd": ["001090012345", "001 090 012 345", "", None, 1090012345, ["x"]],
    "full_name": ["Lê Thị Hoa", "", "x" * 200, "x" * 201, None, 12],
    "gender": ["MALE", "FEMALE", "Nữ", "male", "X", "", None],
    "birth_date": ["1990-05-17", "17/05/1990", "1990-02-30", "19900517", "1990-5-7", "", None, 1990],
    "birth_year": [1990, "1990", "1990.0", 1990.0, "abc", True, None, -5],
    "phone": ["0912345678", "+84 912 345 678", "", None, 912345678],
    "email": ["an@example.vn", "not-an-email", "", None],
    "unit_code": ["00070", "", None, 70],
    "join_date": ["2025-01-01", "2099-01-01", "01/01/2025", "nope", None],
    "ethnicity": ["Kinh", "x" * 50, "x" * 51, None, 5],
    "religion": ["Phật giáo", "x" * 51, None],
    "party_member": [True, False, None, "true", "maybe"],
    "unknown_column": ["x"],
}
CONSENT_VARIANTS = {
    "given": [True, False, "true", "có", "maybe", None, 1],
    "channel": ["PAPER_FORM", "RECORDED_VERBAL", "EMAIL", "", None],
    "given_at": ["2025-01-01T08:00:00+07:00", "2025-01-01T08:00:00", "yesterday", None],
    "guardian_name": ["Nguyễn Văn Bố", "x" * 201, None],
    "guardian_relation": ["cha", None],
    "contact": [True, False, "yes", "maybe", None],
    "extra": ["x"],
}


def schema_result(payload):
    try:
        return "loaded", SCHEMA.load(payload)
    except ValidationError as error:
        return "invalid", error.messages


def fast_result(payload):
    try:
        return "loaded", load_command(payload)
    except ValidationError as error:
        return "invalid", error.messages


def json_variants():
    for name, values in VARIANTS.items():
        for value in values:
            yield {**JSON_ROW, name: value}
        yield {k: v for k, v in JSON_ROW.items() if k != name}
    for name, values in CONSENT_VARIANTS.items():
        for value in values:
            yield {**JSON_ROW, "consent": {**JSON_ROW["consent"], name: value}}
        yield {**JSON_ROW, "consent": {k: v for k, v in JSON_ROW["consent"].items() if k != name}}
    yield from ([], "a row", {**JSON_ROW, "consent": "yes"}, {**JSON_ROW, "consent": None})


def csv_variants():
    columns = {**{k: v for k, v in VARIANTS.items() if k not in ("party_member", "unknown_column")},
               "consent_given": ["có", "true", "no", "", "maybe"], "consent_channel": ["PAPER_FORM", "EMAIL", ""],
               "contact_consent": ["1", "", "perhaps"], "guardian_name": ["Nguyễn Văn Bố", ""]}  # fmt: skip
    for name, values in columns.items():
        for value in values:
            text = value if isinstance(value, str) else ("" if value is None else str(value))
            yield command_payload({**CSV_ROW, name: text}, "CSV")


@pytest.mark.parametrize("payload", [*json_variants(), *csv_variants()])
def test_a_row_loads_as_the_schema_loads_it(payload):
    assert fast_result(payload) == schema_result(payload)


def test_random_mixes_of_valid_and_invalid_values_load_as_the_schema_loads_them():
    pick = random.Random(11)
    for _ in range(2000):
        payload = dict(JSON_ROW, consent=dict(JSON_ROW["consent"]))
        for name in pick.sample(list(VARIANTS), 3):
            payload[name] = pick.choice(VARIANTS[name])
        for name in pick.sample(list(CONSENT_VARIANTS), 2):
            payload["consent"][name] = pick.choice(CONSENT_VARIANTS[name])
        assert fast_result(payload) == schema_result(payload), payload


def test_a_usual_row_is_loaded_with_the_schema_defaults_filled_in():
    kind, command = fast_result(command_payload(CSV_ROW, "CSV"))
    assert kind == "loaded" and command["birth_date"] == date(1990, 5, 17)
    assert (command["email"], command["join_date"], command["consent"]["given_at"]) == (None, None, None)
    assert "party_member" not in command


def test_every_pair_of_field_problems_is_reported_as_the_schema_reports_it():
    bad = {"cccd": None, "full_name": "", "gender": "X", "birth_date": "nope", "unit_code": 70, "email": "no"}
    for (a, x), (b, y) in itertools.combinations(bad.items(), 2):
        payload = {**JSON_ROW, a: x, b: y}
        assert fast_result(payload) == schema_result(payload)


def test_the_usual_rows_of_a_csv_and_a_json_file_do_not_need_the_schema():
    assert commands._fast(command_payload(CSV_ROW, "CSV")) == SCHEMA.load(command_payload(CSV_ROW, "CSV"))
    assert commands._fast(JSON_ROW) == SCHEMA.load(JSON_ROW)
