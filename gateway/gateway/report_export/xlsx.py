"""The review report as an XLSX workbook (openpyxl), in Vietnamese.

Sheets: "Tổng hợp" (the headline figures), "Theo đơn vị" (one row per child unit, with a chart of the
members), "Hoạt động", "Quỹ" (with a chart of the funds per unit) and "Danh hiệu" (with a chart of the titles
against their targets). A per-unit chart draws at most 12 units and "the other units" (``top_units``), from a
small table of its own beside the sheet's table. Money is
a number of đồng with a thousands format, percentages are fractions with a percent format, so that the
officer can compute with the cells. Text typed by people (unit names) is made inert: a name starting with
"=" stays text, never a formula.
"""

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gateway.integration_handlers import inert
from gateway.report_export import labels, top_units

MONEY = '#,##0 "đ"'
COUNT = "#,##0"
PERCENT = "0.0%"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def render(report):
    """The workbook's bytes."""
    book = Workbook()
    summary_sheet(book.active, report)
    units_sheet(book.create_sheet("Theo đơn vị"), report)
    activities_sheet(book.create_sheet("Hoạt động"), report)
    funds_sheet(book.create_sheet("Quỹ"), report)
    titles_sheet(book.create_sheet("Danh hiệu"), report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fraction(percent):
    return None if percent is None else percent / 100


def _put(sheet, row, values, formats=(), bold=False, fill=None, column=1):
    for index, value in enumerate(values):
        cell = sheet.cell(row=row, column=column + index, value=inert(value))
        if index < len(formats) and formats[index]:
            cell.number_format = formats[index]
        if bold:
            cell.font = BOLD
        if fill is not None:
            cell.fill = fill
    return row + 1


def _header(sheet, row, titles, column=1):
    row = _put(sheet, row, titles, bold=True, fill=HEADER_FILL, column=column)
    for index in range(len(titles)):
        sheet.cell(row=row - 1, column=column + index).alignment = Alignment(wrap_text=True, vertical="center")
    return row


def _widths(sheet, widths):
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _heading(sheet, report, subtitle):
    sheet["A1"] = labels.TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = inert(f"{report['unit']['name']} ({report['unit']['code']})")
    sheet["A2"].font = BOLD
    sheet["A3"] = labels.period(report)
    sheet["A4"] = subtitle
    sheet["A4"].font = Font(bold=True, size=12)
    return 6


# --- Tổng hợp -------------------------------------------------------------------------------------------


def summary_sheet(sheet, report):
    sheet.title = "Tổng hợp"
    row = _heading(sheet, report, "TỔNG HỢP")
    sheet.cell(row=5, column=1, value=f"Lập lúc {labels.moment(report['generated_at'])}")
    members, funds = report["members"], report["funds"]
    row = _put(sheet, row, ["I. Hội viên"], bold=True)
    for key, label in labels.MEMBER_ROWS:
        row = _put(sheet, row, [label, members[key]], ("", COUNT))
    row = _put(sheet, row, ["Tăng trưởng", _fraction(members["growth_percent"])], ("", PERCENT))
    row = _put(sheet, row + 1, ["II. Hoạt động", "Số buổi, lớp, đợt", "Lượt người tham gia"], bold=True)
    for item in labels.activities_by_kind(report["activities"]).values():
        row = _put(sheet, row, [labels.activity_kind(item["kind"]), item["sessions"], item["participants"]],
                   ("", COUNT, COUNT))  # fmt: skip
    row = _put(sheet, row + 1, ["III. Quỹ khuyến học"], bold=True)
    for label, value in (("Huy động trong kỳ", funds["raised"]), ("Đã chi trong kỳ", funds["spent"]),
                         ("Số dư cuối kỳ", funds["balance_at_end"])):  # fmt: skip
        row = _put(sheet, row, [label, value], ("", MONEY))
    row = _put(sheet, row, ["Số người được nhận", funds["beneficiaries"]], ("", COUNT))
    row = _put(sheet, row + 1, ["IV. Danh hiệu học tập", "Đăng ký", "Công nhận", "Tỷ lệ công nhận"], bold=True)
    for title in report["titles"]:
        row = _put(sheet, row, [f"{labels.title_type(title['title_type'])} ({title['year']})", title["registered"],
                                title["recognised"], _fraction(title["percent_of_registered"])],
                   ("", COUNT, COUNT, PERCENT))  # fmt: skip
    _widths(sheet, (44, 20, 20, 18))


# --- Theo đơn vị ----------------------------------------------------------------------------------------

UNIT_COLUMNS = ("Mã đơn vị", "Đơn vị", "Hội viên đầu kỳ", "Hội viên cuối kỳ", "Hội viên mới", "Ra khỏi hội",
                "Tăng trưởng", "Đảng viên", "Số buổi hoạt động", "Lượt tham gia", "Quỹ huy động", "Đã chi",
                "Số dư cuối kỳ", "Ghi chú")  # fmt: skip
UNIT_FORMATS = ("", "", COUNT, COUNT, COUNT, COUNT, PERCENT, COUNT, COUNT, COUNT, MONEY, MONEY, MONEY, "")


def _unit_values(row):
    members, funds = row["members"], row.get("funds") or {}
    sessions = sum(a["sessions"] for a in row["activities"])
    participants = sum(a["participants"] for a in row["activities"])
    closed = row["unit"].get("valid_to")
    note = f"Đến {labels.day(closed)} (đã sắp xếp lại)" if closed else ""
    return [row["unit"]["code"], row["unit"]["name"], members["at_start"], members["at_end"], members["joined"],
            members["left"], _fraction(members["growth_percent"]), members["party_members"], sessions, participants,
            funds.get("raised", 0), funds.get("spent", 0), funds.get("balance_at_end", 0), note]  # fmt: skip


def units_sheet(sheet, report):
    row = _heading(sheet, report, "SỐ LIỆU THEO ĐƠN VỊ TRỰC THUỘC")
    first = row = _header(sheet, row, UNIT_COLUMNS)
    for unit_row in report["by_unit"]:
        row = _put(sheet, row, _unit_values(unit_row), UNIT_FORMATS)
    total = _unit_values({**report, "unit": {"code": "", "name": "Tổng cộng"}})
    _put(sheet, row, total, UNIT_FORMATS, bold=True)
    _widths(sheet, (12, 34, 12, 12, 12, 12, 12, 12, 14, 14, 18, 18, 18, 28))
    sheet.freeze_panes = sheet.cell(row=first, column=3)
    if report["by_unit"]:
        bars = top_units.members_bars(report["by_unit"])
        bars = top_units.UnitBars(bars.names, bars.series[::-1], bars.others, bars.units)  # start before end
        header = ("Đơn vị (biểu đồ)", "Hội viên đầu kỳ", "Hội viên cuối kỳ")
        unit_chart(sheet, bars, header, top_units.members_title(bars), COUNT, column=len(UNIT_COLUMNS) + 2)


def unit_chart(sheet, bars, header, title, number_format, column, row=6):
    """A horizontal bar chart of ``bars`` (a ``top_units.UnitBars``: at most 12 units and "the other units")
    and the small table it points to, at ``column`` from ``row``; the chart below the table. The sheet's own
    table keeps every unit."""
    first = row = _header(sheet, row, header, column)
    for index, name in enumerate(bars.names):
        values = [name, *(series[index] for series in bars.series)]
        row = _put(sheet, row, values, ("", *(number_format for _ in bars.series)), column=column)
    for offset, width in enumerate((30, *(16 for _ in bars.series))):
        sheet.column_dimensions[get_column_letter(column + offset)].width = width
    chart = BarChart()
    chart.type, chart.title, chart.style = "bar", title, 10
    chart.add_data(
        Reference(sheet, min_col=column + 1, max_col=column + len(bars.series), min_row=first - 1, max_row=row - 1),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=column, min_row=first, max_row=row - 1))
    chart.x_axis.scaling.orientation, chart.y_axis.crosses = "maxMin", "max"  # the first unit at the top
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.number_format, chart.y_axis.majorGridlines = number_format, None
    chart.width, chart.height = 18, 3 + 0.9 * len(bars.names)
    end = top_units.axis_end(bars)
    if end:  # the last bar is cut at the axis' end; its value is written on it
        chart.y_axis.scaling.max = end
        for series in chart.series:
            series.dLbls = DataLabelList(dLbl=[DataLabel(idx=len(bars.names) - 1, showVal=True)], showVal=False)
        _put(sheet, row, [f"Cột cuối bị cắt ở {labels.number(end)}: số của nó ghi trên cột"], column=column)
    sheet.add_chart(chart, f"{get_column_letter(column)}{row + 2}")
    return chart


# --- Hoạt động ------------------------------------------------------------------------------------------


def activities_sheet(sheet, report):
    row = _heading(sheet, report, "HOẠT ĐỘNG KHUYẾN HỌC")
    first = row = _header(sheet, row, ("Loại hoạt động", "Số bản ghi", "Số buổi, lớp, đợt", "Lượt người tham gia"))
    for item in labels.activities_by_kind(report["activities"]).values():
        row = _put(sheet, row, [labels.activity_kind(item["kind"]), item["records"], item["sessions"],
                                item["participants"]], ("", COUNT, COUNT, COUNT))  # fmt: skip
    chart = BarChart()
    chart.type, chart.title = "bar", "Lượt người tham gia theo loại hoạt động"
    chart.add_data(Reference(sheet, min_col=4, min_row=first - 1, max_row=row - 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=row - 1))
    chart.width, chart.height = 18, 7
    sheet.add_chart(chart, "F6")
    kinds = list(labels.activities_by_kind(()).keys())
    row = _header(sheet, row + 2, ["Mã đơn vị", "Đơn vị"] + [f"{labels.activity_kind(k)} (buổi / lượt)" for k in kinds])
    for unit_row in report["by_unit"]:
        by_kind = labels.activities_by_kind(unit_row["activities"])
        cells = [
            f"{labels.number(by_kind[k]['sessions'])} / {labels.number(by_kind[k]['participants'])}" for k in kinds
        ]
        row = _put(sheet, row, [unit_row["unit"]["code"], unit_row["unit"]["name"], *cells])
    _widths(sheet, (30, 30, 22, 22, 22, 22))


# --- Quỹ ------------------------------------------------------------------------------------------------


def funds_sheet(sheet, report):
    funds = report["funds"]
    row = _heading(sheet, report, "QUỸ KHUYẾN HỌC")
    row = _header(sheet, row, ("Chỉ tiêu", "Số tiền (đồng)", "Số lượt"))
    row = _put(sheet, row, ["Huy động trong kỳ", funds["raised"], funds["donations"]], ("", MONEY, COUNT), bold=True)
    for code, amount in sorted(funds["raised_by_channel"].items()):
        row = _put(sheet, row, [f"   {labels.channel(code)}", amount], ("", MONEY))
    row = _put(sheet, row, ["Đã chi trong kỳ", funds["spent"], funds["disbursements"]], ("", MONEY, COUNT), bold=True)
    for code, amount in sorted(funds["spent_by_kind"].items()):
        row = _put(sheet, row, [f"   {labels.spent_kind(code)}", amount], ("", MONEY))
    row = _put(sheet, row, ["Số người được nhận", None, funds["beneficiaries"]], ("", "", COUNT))
    row = _put(sheet, row, ["Số dư cuối kỳ", funds["balance_at_end"]], ("", MONEY), bold=True)
    row = _header(sheet, row + 1, ("Mã đơn vị", "Đơn vị", "Huy động", "Đã chi", "Số dư cuối kỳ"))
    for unit_row in report["by_unit"]:
        unit_funds = unit_row.get("funds") or {}
        row = _put(sheet, row, [unit_row["unit"]["code"], unit_row["unit"]["name"], unit_funds.get("raised", 0),
                                unit_funds.get("spent", 0), unit_funds.get("balance_at_end", 0)],
                   ("", "", MONEY, MONEY, MONEY))  # fmt: skip
    _widths(sheet, (30, 30, 20, 20, 20))
    if report["by_unit"]:
        bars = top_units.funds_bars(report["by_unit"])
        header = ("Đơn vị (biểu đồ)", "Huy động", "Đã chi")
        unit_chart(sheet, bars, header, top_units.funds_title(bars), MONEY, column=7)


# --- Danh hiệu ------------------------------------------------------------------------------------------

TITLE_COLUMNS = ("Danh hiệu", "Năm", "Đăng ký", "Công nhận", "Tỷ lệ công nhận / đăng ký", "Tổng số đối tượng",
                 "Tỷ lệ công nhận / tổng số", "Chỉ tiêu")  # fmt: skip
NOT_KNOWN = "chưa có tổng số"
TITLE_FORMATS = ("", "0", COUNT, COUNT, PERCENT, COUNT, PERCENT, PERCENT)


def _of_all(title):
    """Recognised as a fraction of all (the target's measure); the words "chưa có tổng số" when the number of
    all is not known (the chart draws no bar for it)."""
    of_all = title.get("percent_of_all")
    return NOT_KNOWN if of_all is None else of_all / 100


def titles_sheet(sheet, report):
    row = _heading(sheet, report, "DANH HIỆU HỌC TẬP")
    first = row = _header(sheet, row, TITLE_COLUMNS)
    for title in report["titles"]:
        row = _put(sheet, row, [labels.title_type(title["title_type"]), title["year"], title["registered"],
                                title["recognised"], _fraction(title["percent_of_registered"]), title.get("eligible"),
                                _of_all(title), _fraction(title.get("target_percent"))],
                   TITLE_FORMATS)  # fmt: skip
    if report["titles"]:
        chart = BarChart()
        chart.type, chart.title = "col", "Tỷ lệ công nhận trên tổng số đối tượng so với chỉ tiêu"
        chart.y_axis.title, chart.y_axis.number_format = "% tổng số đối tượng", "0%"
        chart.x_axis.delete = chart.y_axis.delete = False
        for column in (7, 8):
            chart.add_data(Reference(sheet, min_col=column, min_row=first - 1, max_row=row - 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=row - 1))
        chart.width, chart.height = 20, 9
        sheet.add_chart(chart, "J6")
    row = _header(sheet, row + 2, ("Mã đơn vị", "Đơn vị", "Danh hiệu", "Năm", "Đăng ký", "Công nhận"))
    for unit_row in report["by_unit"]:
        for title in unit_row["titles"]:
            row = _put(sheet, row, [unit_row["unit"]["code"], unit_row["unit"]["name"],
                                    labels.title_type(title["title_type"]), title["year"], title["registered"],
                                    title["recognised"]], ("", "", "", "0", COUNT, COUNT))  # fmt: skip
    _widths(sheet, (24, 30, 22, 10, 12, 16, 14, 12))
