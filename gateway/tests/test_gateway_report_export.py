"""The review report exported as XLSX and PDF: pure functions of the report dict, checked by opening what
they produce (openpyxl for the workbook, pypdf for the PDF's text and fonts)."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend

from gateway.report_export import MEDIA_TYPES, export, labels, pdf_charts, top_units
from gateway.report_export import pdf as pdf_module


def unit(code, name, level="COMMUNE", valid_to=None):
    return {"code": code, "name": name, "level": level, "path": f"01.{code}", "valid_from": "2020-01-01",
            "valid_to": valid_to}  # fmt: skip


def members(at_start, at_end, joined, left=0, party=0):
    growth = (at_end - at_start) * 100 / at_start if at_start else None
    return {"at_start": at_start, "at_end": at_end, "joined": joined, "left": left, "growth_percent": growth,
            "party_members": party}  # fmt: skip


def funds(raised, spent, balance):
    return {
        "raised": raised,
        "raised_by_channel": {"CASH": raised},
        "donations": 2,
        "spent": spent,
        "spent_by_kind": {"HOC_BONG": spent},
        "disbursements": 1,
        "beneficiaries": 1,
        "balance_at_end": balance,
    }


def activities(sessions, participants):
    return [{"kind": "STUDY_SESSION", "records": 5, "sessions": sessions, "participants": participants},
            {"kind": "TRAINING_CLASS", "records": 3, "sessions": 3, "participants": 800}]  # fmt: skip


TITLE = {"title_type": "CONG_DAN_HOC_TAP", "year": 2025, "registered": 40, "recognised": 30,
         "percent_of_registered": 75.0, "eligible": 200, "percent_of_all": 15.0, "target_percent": 25.0}  # fmt: skip


def report():
    """Hà Nội in the first half of 2025: two wards, one of them merged away at the end of June."""
    return {
        "unit": unit("01", "Thành phố Hà Nội", "PROVINCE"), "from": "2025-01-01", "to": "2025-06-30",
        "generated_at": "2025-07-01T02:00:00+00:00", "members": members(200, 250, 60, 10, 12),
        "activities": activities(3118, 187108), "funds": funds(15_000_000, 4_000_000, 11_000_000), "titles": [TITLE],
        "by_unit": [
            {"unit": unit("00070", "Phường Hoàn Kiếm"), "members": members(120, 150, 35, 5, 7),
             "activities": activities(3000, 180000), "funds": funds(10_000_000, 3_000_000, 7_000_000),
             "titles": [TITLE]},
            {"unit": unit("00073", "=Phường Cửa Nam", valid_to="2025-06-30"), "members": members(80, 100, 25, 5, 5),
             "activities": [], "funds": None, "titles": []},
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def workbook():
    body, media_type, filename = export(report(), "xlsx")
    assert (media_type, filename) == (MEDIA_TYPES["xlsx"], "bao-cao-so-ket-01-2025-01-01-2025-06-30.xlsx")
    return load_workbook(io.BytesIO(body))


@pytest.fixture(scope="module")
def pdf():
    body, media_type, filename = export(report(), "pdf")
    assert (media_type, filename) == ("application/pdf", "bao-cao-so-ket-01-2025-01-01-2025-06-30.pdf")
    reader = PdfReader(io.BytesIO(body))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_has_the_five_sheets_in_vietnamese(workbook):
    assert workbook.sheetnames == ["Tổng hợp", "Theo đơn vị", "Hoạt động", "Quỹ", "Danh hiệu"]
    assert workbook["Tổng hợp"]["A1"].value == "BÁO CÁO SƠ KẾT CÔNG TÁC KHUYẾN HỌC"
    assert workbook["Tổng hợp"]["A3"].value == "Từ ngày 01/01/2025 đến ngày 30/06/2025"


def test_the_summary_sheet_has_the_headline_figures_with_number_formats(workbook):
    sheet = workbook["Tổng hợp"]
    found = {row[0]: row[1] for row in rows(sheet) if row[0]}
    assert (found["Hội viên cuối kỳ"], found["Hội viên mới trong kỳ"], found["Là đảng viên (cuối kỳ)"]) == (250, 60, 12)
    assert found["Tăng trưởng"] == pytest.approx(0.25)
    assert (found["Buổi sinh hoạt học tập"], found["Huy động trong kỳ"]) == (3118, 15_000_000)
    cells = {row[0].value: row[1] for row in sheet.iter_rows() if row[0].value}
    assert (cells["Tăng trưởng"].number_format, cells["Số dư cuối kỳ"].number_format) == ("0.0%", '#,##0 "đ"')


def test_the_units_sheet_has_a_row_per_child_unit_a_total_and_a_members_chart(workbook):
    sheet = workbook["Theo đơn vị"]
    table = [row for row in rows(sheet) if row[1] in ("Phường Hoàn Kiếm", "'=Phường Cửa Nam", "Tổng cộng")]
    assert [row[:6] for row in table] == [["00070", "Phường Hoàn Kiếm", 120, 150, 35, 5],
                                          ["00073", "'=Phường Cửa Nam", 80, 100, 25, 5],
                                          [None, "Tổng cộng", 200, 250, 60, 10]]  # fmt: skip
    assert (table[0][8], table[0][9], table[0][10], table[1][10]) == (3003, 180800, 10_000_000, 0)
    assert table[1][13] == "Đến 30/06/2025 (đã sắp xếp lại)"
    assert len(sheet._charts) == 1 and sheet._charts[0].tagname == "barChart"


def test_a_name_starting_with_an_equals_sign_stays_text(workbook):
    cells = [cell for row in workbook["Theo đơn vị"].iter_rows() for cell in row if cell.value]
    assert all(cell.data_type != "f" for cell in cells)


def test_the_activities_funds_and_titles_sheets(workbook):
    activity = {row[0]: list(row[1:4]) for row in rows(workbook["Hoạt động"]) if row[0]}
    money = {row[0].strip(): row[1] for row in rows(workbook["Quỹ"]) if row[0]}
    titles = rows(workbook["Danh hiệu"])
    assert activity["Buổi sinh hoạt học tập"] == [5, 3118, 187108] and activity["Đợt vận động"] == [0, 0, 0]
    assert (money["Tiền mặt"], money["Học bổng"], money["Số dư cuối kỳ"]) == (15_000_000, 4_000_000, 11_000_000)
    assert ["Công dân học tập", 2025, 40, 30, 0.75, 200, 0.15, 0.25] in [list(row[:8]) for row in titles]
    assert len(workbook["Danh hiệu"]._charts) == 1 and len(workbook["Hoạt động"]._charts) == 1


def test_the_pdf_is_in_vietnamese_with_its_sections_and_figures(pdf):
    _, text = pdf
    for expected in ("BÁO CÁO SƠ KẾT CÔNG TÁC KHUYẾN HỌC", "Thành phố Hà Nội", "Từ ngày 01/01/2025 đến ngày 30/06/2025",
                     "I. Hội viên", "II. Hoạt động", "III. Quỹ khuyến học", "IV. Danh hiệu học tập",
                     "Buổi sinh hoạt học tập", "3.118", "187.108", "15.000.000 đ", "Công dân học tập", "25,0 %",
                     "Phường Hoàn Kiếm", "=Phường Cửa Nam", "Lớp tập huấn"):  # fmt: skip
        assert expected in text, expected


def test_the_pdf_has_charts_with_text_labels_and_embeds_its_font(pdf):
    reader, text = pdf
    assert "Hội viên theo đơn vị trực thuộc" in text and "Danh hiệu: tỷ lệ công nhận so với chỉ tiêu (%)" in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= fonts


def test_an_empty_report_still_exports(workbook):
    empty = {
        **report(),
        "by_unit": [],
        "titles": [],
        "activities": [],
        "members": members(0, 0, 0),
        "funds": {**funds(0, 0, 0), "raised_by_channel": {}, "spent_by_kind": {}},
    }
    pdf_body, _, _ = export(empty, "pdf")
    xlsx_body, _, _ = export(empty, "xlsx")
    assert "Chưa có đăng ký danh hiệu nào" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_body)).pages)
    assert load_workbook(io.BytesIO(xlsx_body))["Tổng hợp"]["A1"].value == labels.TITLE


def test_numbers_are_written_the_vietnamese_way():
    assert (labels.number(187108), labels.money(1_500_000), labels.percent(12.345)) == ("187.108", "1.500.000 đ",
                                                                                          "12,3 %")  # fmt: skip
    assert labels.filename({"unit": {"code": "../01"}, "from": "2025-01-01", "to": "2025-06-30"}, "pdf") == (
        "bao-cao-so-ket-01-2025-01-01-2025-06-30.pdf"
    )


def province(units=126):
    """Hà Nội with ``units`` communes: commune i has i + 1 members at the end and raised i million đồng."""
    by_unit = [{"unit": unit(f"{i:05d}", f"Xã Số {i}"), "members": members(i, i + 1, 1),
                "activities": activities(1, 10), "funds": funds(i * 1_000_000, i * 1000, 0), "titles": []}
               for i in range(units)]  # fmt: skip
    return {**report(), "by_unit": by_unit}


def test_a_province_charts_its_12_largest_units_and_one_bar_summing_the_others():
    bars = top_units.members_bars(province()["by_unit"])
    assert len(bars.names) == 13 and bars.others == 114 and bars.is_top
    assert bars.names[:3] == ["Xã Số 125", "Xã Số 124", "Xã Số 123"] and bars.names[-1] == "Các đơn vị khác (114)"
    at_end, at_start = bars.series
    assert at_end[:12] == list(range(126, 114, -1)) and at_end[-1] == sum(range(1, 115))
    assert at_start[-1] == sum(range(114)) and top_units.members_title(bars).endswith("12 đơn vị đông nhất")


def test_twelve_units_each_have_their_own_bar_and_the_plain_title():
    bars = top_units.funds_bars(province(12)["by_unit"])
    assert (len(bars.names), bars.others, bars.series[0][0]) == (12, 0, 11_000_000)
    assert top_units.funds_title(bars) == "Huy động và chi theo đơn vị (đồng)" and top_units.axis_end(bars) is None


def test_a_long_unit_name_loses_its_kind_before_it_is_cut():
    pdf_module.register_fonts()
    assert pdf_charts.fit_name("Phường Hoàn Kiếm", pdf_module.FONT, 7.5, 150) == "Phường Hoàn Kiếm"
    assert pdf_charts.fit_name("Phường Văn Miếu - Quốc Tử Giám Mở Rộng", pdf_module.FONT, 7.5, 140) == (
        "Văn Miếu - Quốc Tử Giám Mở Rộng"
    )
    assert pdf_charts.fit_name("Xã " + "Rất Dài " * 10, pdf_module.FONT, 7.5, 100).endswith("…")


def test_the_workbook_charts_of_a_province_point_to_13_rows_and_its_tables_keep_every_unit():
    book = load_workbook(io.BytesIO(export(province(), "xlsx")[0]))
    for sheet in (book["Theo đơn vị"], book["Quỹ"]):
        (chart,) = sheet._charts
        refs = [series.val.numRef.f for series in chart.series]
        assert all(ref.split("$")[-1] == str(int(ref.split("$")[-3].rstrip(":")) + 12) for ref in refs), refs
        names = [row[1] for row in rows(sheet) if str(row[1]).startswith("Xã Số ")]
        assert len(names) == 126 and "Các đơn vị khác (114)" in [c.value for r in sheet.iter_rows() for c in r]


def test_the_pdf_of_a_province_says_its_charts_show_the_12_largest_units():
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(export(province(), "pdf")[0])).pages)
    assert "Hội viên theo đơn vị trực thuộc — 12 đơn vị đông nhất" in text and "Các đơn vị khác (114)" in text
    assert "Huy động và chi theo đơn vị (đồng) — 12 đơn vị huy động nhiều nhất" in text
    assert "Xã Số 0 · 00000" in text  # the table keeps the smallest unit


def test_the_titles_chart_sets_recognised_of_all_against_the_target_and_says_when_all_is_unknown():
    pdf_module.register_fonts()
    unknown = {**TITLE, "title_type": "GIA_DINH_HOC_TAP", "eligible": None, "percent_of_all": None}
    drawing = pdf_charts.titles_against_targets(pdf_module.FONT, {**report(), "titles": [TITLE, unknown]})
    chart = next(item for item in drawing.contents if isinstance(item, VerticalBarChart))
    assert chart.data == [[15.0, None], [25.0, 25.0]] and chart.naLabel.text == "chưa có tổng số"
    legend = next(item for item in drawing.contents if isinstance(item, Legend))
    assert legend.colorNamePairs[0][1] == "Công nhận / tổng số đối tượng (%)"
    sheet = load_workbook(io.BytesIO(export({**report(), "titles": [TITLE, unknown]}, "xlsx")[0]))["Danh hiệu"]
    assert ["Gia đình học tập", 2025, 40, 30, 0.75, None, "chưa có tổng số", 0.25] in [r[:8] for r in rows(sheet)]
