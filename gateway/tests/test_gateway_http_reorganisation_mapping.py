"""A mapping file (CSV or XLSX, columns from_code and to_code) read as a plan: one MERGE per distinct
to_code, and every bad row named by its number as a spreadsheet shows it. Pure functions; the route that
takes the file is tested over HTTP in test_gateway_http_reorganisation.py."""

import io

import pytest
from openpyxl import Workbook

from contracts.errors import ValidationFailed
from gateway.reorganisation_mapping import plan_from_mapping


def csv_body(*lines):
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def xlsx_body(*rows):
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_one_merge_per_survivor_in_the_files_order():
    body = csv_body("from_code,to_code", "00070,00067", "00073,00067", "00067,00067", "00100,00094", "", "00070,00067")
    plan = plan_from_mapping(body, "CSV", "2025-07-01", "NQ 1656")
    assert plan == {"effective_on": "2025-07-01", "decision_ref": "NQ 1656", "operations": [
        {"kind": "MERGE", "survivor_code": "00067", "merged_codes": ["00070", "00073"]},
        {"kind": "MERGE", "survivor_code": "00094", "merged_codes": ["00100"]}]}  # fmt: skip


def test_an_xlsx_mapping_with_extra_columns_and_codes_typed_as_numbers():
    body = xlsx_body(("STT", "To_Code", "from_code"), (1, "00067", "00070"), (2, 94, 100))
    operations = plan_from_mapping(body, "XLSX")["operations"]
    assert [(o["survivor_code"], o["merged_codes"]) for o in operations] == [("00067", ["00070"]), ("94", ["100"])]


def fields_of(body, file_format="CSV"):
    with pytest.raises(ValidationFailed) as caught:
        plan_from_mapping(body, file_format)
    return {name: [problem["code"] for problem in problems] for name, problems in caught.value.fields.items()}


def test_bad_rows_are_named_by_their_row_number():
    body = csv_body("from_code,to_code", "00070,", "00073,00067", "00073,00094", "00067,00094", ",00094")
    assert fields_of(body) == {
        "rows.2.to_code": ["required"],
        "rows.4.to_code": ["conflicting_target"],
        "rows.6.from_code": ["required"],
        "rows.5.from_code": ["merged_and_surviving"],
    }


def test_a_file_without_the_columns_or_without_a_merge_or_not_readable():
    assert fields_of(csv_body("ma_cu,ma_moi", "1,2")) == {"file": ["missing_columns"]}
    assert fields_of(csv_body("from_code,to_code", "00067,00067")) == {"file": ["nothing_to_merge"]}
    assert fields_of(b"") == {"file": ["empty_file"]}
    assert fields_of(b"\xff\xfe\x00", "CSV") == {"file": ["not_utf8"]}
    assert fields_of(b"PK not a workbook", "XLSX") == {"file": ["unreadable_file"]}
