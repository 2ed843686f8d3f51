"""Import files read as streams (CSV, XLSX, JSON), rows turned into registration commands, and pre-2025
addresses mapped to 2025 communes."""

import json

import pytest

from members.importing import addresses, readers
from members.importing.rows import RowProblem, command_payload


def rows_of(path, file_format, skip=0):
    return list(readers.iter_rows(path, file_format, skip))


def test_a_csv_from_excel_with_a_bom_and_semicolons_is_read(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffCCCD ; Full_Name\n001090012345;Nguyễn Văn An\n\n001090012346;Lê Thị Hoa\n".encode())
    assert rows_of(path, "CSV") == [(1, {"cccd": "001090012345", "full_name": "Nguyễn Văn An"}),
                                    (3, {"cccd": "001090012346", "full_name": "Lê Thị Hoa"})]
    assert readers.count_rows(path, "CSV") == 3


def test_reading_resumes_after_a_checkpoint(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("cccd\n1\n2\n3\n")
    assert [n for n, _ in rows_of(path, "CSV", skip=2)] == [3]


def test_a_json_array_is_decoded_one_element_at_a_time_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CHUNK", 7)
    path = tmp_path / "a.json"
    items = [{"cccd": "001090012345", "full_name": "Nguyễn Văn An", "n": 12345}, {"cccd": "2"}, 3]
    path.write_text(json.dumps(items, ensure_ascii=False, indent=1))
    assert rows_of(path, "JSON") == [(1, items[0]), (2, items[1]), (3, {"_not_an_object": 3})]


@pytest.mark.parametrize("body", ['{"a": 1}', "[{}, ", "[{} {}]"])
def test_a_json_body_that_is_not_an_array_of_values_is_unreadable(tmp_path, body):
    path = tmp_path / "a.json"
    path.write_text(body)
    with pytest.raises(readers.UnreadableFile):
        rows_of(path, "JSON")


def test_an_xlsx_sheet_is_read_with_dates_and_numbers_as_text(tmp_path):
    from datetime import date

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["cccd", "birth_date", "birth_year"])
    workbook.active.append([1090012345, date(1990, 3, 15), 1990.0])
    workbook.save(tmp_path / "a.xlsx")
    assert rows_of(tmp_path / "a.xlsx", "XLSX") == [
        (1, {"cccd": "1090012345", "birth_date": "1990-03-15", "birth_year": "1990"})]


def test_a_file_that_is_not_a_workbook_is_unreadable(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(readers.UnreadableFile):
        rows_of(tmp_path / "a.xlsx", "XLSX")


def test_a_csv_row_becomes_the_body_of_a_single_registration():
    payload = command_payload({"cccd": " 001090012345 ", "full_name": "An", "gender": "Nữ",
                               "birth_date": "15/3/1990", "unit_code": "00070", "consent_given": "Có",
                               "contact_consent": ""}, "CSV")
    assert payload == {"cccd": "001090012345", "full_name": "An", "gender": "FEMALE", "birth_date": "1990-03-15",
                       "unit_code": "00070", "consent": {"given": True, "contact": False, "channel": "PAPER_FORM"}}


def test_an_old_commune_code_that_maps_to_nothing_is_a_problem_of_the_row():
    with pytest.raises(RowProblem) as raised:
        command_payload({"old_commune_code": "99998"}, "CSV")
    assert raised.value.problems[0][0] == "old_commune_code"


def test_old_communes_map_to_their_2025_successors_by_code_or_by_names():
    assert addresses.commune_for_old_code("00037") == addresses.commune_for_old_code("37") is not None
    by_names = addresses.commune_for_old_address("Phường Hàng Trống", "Quận Hoàn Kiếm", "Thành phố Hà Nội")
    assert by_names == addresses.commune_for_old_address("hang trong", "Hoan Kiem", "Ha Noi") == "00070"


def test_every_old_commune_maps_to_a_commune_of_the_platforms_tree():
    from members import reference

    communes = {unit.code for unit in reference.commune_units()}
    table = json.loads(addresses.DATA.read_text())
    assert len(table["codes"]) > 10_000 and set(table["codes"].values()) <= communes
