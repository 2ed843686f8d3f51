"""A mapping file (CSV or XLSX with the columns ``from_code`` and ``to_code``, one row per unit merged) as a
reorganisation plan: one MERGE per distinct ``to_code``. Pure functions of the file's bytes.

A row whose two codes are equal names the survivor itself and is skipped. Rows are numbered as a
spreadsheet shows them (the header is row 1); every bad row is reported at once, as ``rows.<n>.<column>``
in the 422's ``fields``: an empty code, a unit sent to two survivors, a unit merged away that also
receives others.
"""

import csv
import io
import zipfile

from contracts.errors import ValidationFailed, field_error
from contracts.reorganisation import MAX_OPERATIONS

COLUMNS = ("from_code", "to_code")
MAX_MAPPING_BYTES = 5 * 1024 * 1024


def _problem(fields, row, column, code, vi, en):
    fields.setdefault(f"rows.{row}.{column}", []).append(field_error(code, vi, en))


def _file_error(code, vi, en):
    return ValidationFailed.from_fields({"file": [field_error(code, vi, en)]}, en, vi)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(body, file_format):
    """The file's rows as lists of text cells (the header first)."""
    if file_format == "XLSX":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise _file_error("unreadable_file", "Không đọc được tệp XLSX.", "The XLSX file cannot be read.") from None
        try:
            return [[_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error("not_utf8", "Tệp CSV phải mã hóa UTF-8.", "The CSV file must be UTF-8.") from None
    if "\x00" in text:
        raise _file_error("invalid_characters", "Tệp chứa ký tự NUL.", "The file contains NUL characters.")
    return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text))]


def merges(rows):
    """``{to_code: [from_code, …]}`` in the file's order; raises ``ValidationFailed`` naming each bad row."""
    if not rows:
        raise _file_error("empty_file", "Tệp rỗng.", "The file is empty.")
    header = [name.strip().lower() for name in rows[0]]
    if any(column not in header for column in COLUMNS):
        raise _file_error("missing_columns", "Tệp phải có hai cột from_code và to_code.",
                          "The file needs the columns from_code and to_code.")  # fmt: skip
    position = {column: header.index(column) for column in COLUMNS}
    fields, target_of, first_row, plan = {}, {}, {}, {}
    for number, row in enumerate(rows[1:], start=2):
        codes = {c: row[position[c]] if position[c] < len(row) else "" for c in COLUMNS}
        if not any(row):
            continue
        for column in COLUMNS:
            if not codes[column]:
                _problem(fields, number, column, "required", "Thiếu mã đơn vị.", "The unit's code is missing.")
        source, target = codes["from_code"], codes["to_code"]
        if not source or not target or source == target:
            continue
        if source in target_of and target_of[source] != target:
            earlier, row = target_of[source], first_row[source]
            _problem(fields, number, "to_code", "conflicting_target",
                     f"Đơn vị {source} đã được sáp nhập vào {earlier} ở dòng {row}.",
                     f"Unit {source} is already merged into {earlier} on row {row}.")  # fmt: skip
            continue
        if source not in target_of:
            target_of[source], first_row[source] = target, number
            plan.setdefault(target, []).append(source)
    for source, number in first_row.items():
        if source in plan:
            _problem(fields, number, "from_code", "merged_and_surviving",
                     f"Đơn vị {source} vừa bị sáp nhập vừa tiếp nhận đơn vị khác.",
                     f"Unit {source} is merged away and also receives other units.")  # fmt: skip
    if fields:
        raise ValidationFailed.from_fields(fields, "Some rows of the mapping are invalid.",
                                           "Một số dòng của bảng đối chiếu không hợp lệ.")  # fmt: skip
    if not plan:
        raise _file_error("nothing_to_merge", "Tệp không có dòng sáp nhập nào.", "The file merges no unit.")
    if len(plan) > MAX_OPERATIONS:
        raise _file_error("too_many_operations", f"Tối đa {MAX_OPERATIONS} đơn vị tiếp nhận trong một tệp.",
                          f"At most {MAX_OPERATIONS} surviving units in one file.")  # fmt: skip
    return plan


def plan_from_mapping(body, file_format, effective_on=None, decision_ref=None):
    """The ``ReorganisationPlanSchema`` body (wire form) of a mapping file."""
    operations = [
        {"kind": "MERGE", "survivor_code": survivor, "merged_codes": merged}
        for survivor, merged in merges(read_rows(body, file_format)).items()
    ]
    return {"effective_on": effective_on, "decision_ref": decision_ref, "operations": operations}
