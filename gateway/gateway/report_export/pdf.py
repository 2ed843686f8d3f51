"""The review report as a PDF (reportlab), in Vietnamese, with tables and charts.

reportlab's own fonts (Helvetica, Vera) have no glyphs for ạ, ế, ữ, ộ…: the report is set in DejaVu Sans,
the TrueType font matplotlib ships (``mpl-data/fonts/ttf``), found without importing matplotlib and embedded
(subset) in the file. ``REPORT_FONT_DIR`` may name another folder holding DejaVuSans.ttf and
DejaVuSans-Bold.ttf.
"""

import importlib.util
import io
import os
import threading
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gateway.report_export import labels, pdf_charts

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
_registered = threading.Lock()


def font_dir():
    configured = os.environ.get("REPORT_FONT_DIR")
    if configured:
        return Path(configured)
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The PDF report needs DejaVu Sans: install matplotlib or set REPORT_FONT_DIR")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def register_fonts():
    with _registered:
        if FONT in pdfmetrics.getRegisteredFontNames():
            return
        folder = font_dir()
        pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles():
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=15, leading=20, alignment=TA_CENTER),
        "centre": ParagraphStyle("centre", base, alignment=TA_CENTER),
        "section": ParagraphStyle(
            "section", base, fontName=BOLD, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "small": ParagraphStyle("small", base, fontSize=8, leading=10, textColor=colors.grey),
    }


def _table(rows, widths, numeric_from=1, total=False):
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("FONTNAME", (0, 0), (-1, 0), BOLD), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA7B5")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
    ]  # fmt: skip
    if total:
        style += [("FONTNAME", (0, -1), (-1, -1), BOLD), ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2"))]
    table.setStyle(TableStyle(style))
    return table


def _unit_cell(styles, unit):
    closed = f" (đến {labels.day(unit['valid_to'])})" if unit.get("valid_to") else ""
    return Paragraph(escape(f"{unit['name']} · {unit['code']}{closed}"), styles["cell"])


def render(report):
    """The PDF's bytes."""
    register_fonts()
    styles = _styles()
    out = io.BytesIO()
    unit = report["unit"]
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{labels.TITLE} — {unit['name']}",
        author="Hội Khuyến học",
        subject=labels.period(report),
        initialFontName=FONT,
        initialFontSize=9.5,
    )
    story = [
        Paragraph(escape(f"HỘI KHUYẾN HỌC {unit['name'].upper()}"), styles["centre"]),
        Spacer(1, 4 * mm),
        Paragraph(labels.TITLE, styles["title"]),
        Paragraph(
            escape(f"Đơn vị: {unit['name']} (mã {unit['code']}, cấp {labels.level(unit['level'])})"), styles["centre"]
        ),
        Paragraph(labels.period(report), styles["centre"]),
        Paragraph(f"Lập lúc {labels.moment(report['generated_at'])}", styles["small"]),
        Spacer(1, 4 * mm),
    ]
    for section in (members_section, activities_section, funds_section, titles_section):
        story += section(report, styles)
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


def _footer(canvas, document):
    canvas.saveState()
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(colors.grey)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Trang {document.page}")
    canvas.drawString(18 * mm, 10 * mm, document.title)
    canvas.restoreState()


MEMBER_COLUMNS = ("at_start", "at_end", "joined", "left")
FUND_COLUMNS = ("raised", "spent", "balance_at_end")


def _member_cells(members):
    return [*(labels.number(members[key]) for key in MEMBER_COLUMNS), labels.percent(members["growth_percent"])]


def _activity_totals(activities):
    return [
        labels.number(sum(a["sessions"] for a in activities)),
        labels.number(sum(a["participants"] for a in activities)),
    ]


def _chart(drawing):
    return KeepTogether([Spacer(1, 3 * mm), drawing])


def members_section(report, styles):
    members = report["members"]
    figures = [["Chỉ tiêu", "Số lượng"]]
    figures += [[label, labels.number(members[key])] for key, label in labels.MEMBER_ROWS]
    figures.append(["Tăng trưởng so với đầu kỳ", labels.percent(members["growth_percent"])])
    rows = [["Đơn vị", "Đầu kỳ", "Cuối kỳ", "Mới", "Ra hội", "Tăng trưởng"]]
    rows += [[_unit_cell(styles, row["unit"]), *_member_cells(row["members"])] for row in report["by_unit"]]
    rows.append(["Tổng cộng", *_member_cells(members)])
    story = [Paragraph("I. Hội viên", styles["section"]), _table(figures, [110 * mm, 40 * mm]), Spacer(1, 3 * mm)]
    if report["by_unit"]:
        widths = [64 * mm, 20 * mm, 20 * mm, 18 * mm, 18 * mm, 24 * mm]
        story += [_table(rows, widths, total=True), _chart(pdf_charts.members_by_unit(FONT, report))]
    return story


def activities_section(report, styles):
    by_kind = list(labels.activities_by_kind(report["activities"]).values())
    counts = ("records", "sessions", "participants")
    rows = [["Loại hoạt động", "Số bản ghi", "Số buổi, lớp, đợt", "Lượt người tham gia"]]
    rows += [[labels.activity_kind(k["kind"]), *(labels.number(k[c]) for c in counts)] for k in by_kind]
    rows.append(["Tổng cộng", *(labels.number(sum(k[c] for k in by_kind)) for c in counts)])
    units = [["Đơn vị", "Số buổi, lớp, đợt", "Lượt người tham gia"]]
    units += [[_unit_cell(styles, r["unit"]), *_activity_totals(r["activities"])] for r in report["by_unit"]]
    story = [
        Paragraph("II. Hoạt động", styles["section"]),
        _table(rows, [62 * mm, 30 * mm, 36 * mm, 36 * mm], total=True),
        _chart(pdf_charts.participants_by_kind(FONT, report)),
    ]
    if report["by_unit"]:
        story += [Spacer(1, 3 * mm), _table(units, [84 * mm, 40 * mm, 40 * mm])]
    return story


def funds_section(report, styles):
    funds = report["funds"]
    rows = [["Chỉ tiêu", "Số tiền", "Số lượt"]]
    rows.append(["Huy động trong kỳ", labels.money(funds["raised"]), labels.number(funds["donations"])])
    rows += [[f"    {labels.channel(c)}", labels.money(v), ""] for c, v in sorted(funds["raised_by_channel"].items())]
    rows.append(["Đã chi trong kỳ", labels.money(funds["spent"]), labels.number(funds["disbursements"])])
    rows += [[f"    {labels.spent_kind(c)}", labels.money(v), ""] for c, v in sorted(funds["spent_by_kind"].items())]
    rows.append(["Số người được nhận", "", labels.number(funds["beneficiaries"])])
    rows.append(["Số dư cuối kỳ", labels.money(funds["balance_at_end"]), ""])
    units = [["Đơn vị", "Huy động", "Đã chi", "Số dư cuối kỳ"]]
    for row in report["by_unit"]:
        unit_funds = row.get("funds") or {}
        units.append([_unit_cell(styles, row["unit"]), *(labels.money(unit_funds.get(k, 0)) for k in FUND_COLUMNS)])
    story = [Paragraph("III. Quỹ khuyến học", styles["section"]), _table(rows, [80 * mm, 50 * mm, 30 * mm])]
    if report["by_unit"]:
        story += [Spacer(1, 3 * mm), _table(units, [64 * mm, 36 * mm, 36 * mm, 36 * mm])]
        story.append(_chart(pdf_charts.funds_by_unit(FONT, report)))
    return story


def _title_cells(title):
    return [
        labels.title_type(title["title_type"]),
        str(title["year"]),
        labels.number(title["registered"]),
        labels.number(title["recognised"]),
        labels.percent(title["percent_of_registered"]),
        labels.percent(title.get("percent_of_all")),
        labels.percent(title.get("target_percent")),
    ]


def titles_section(report, styles):
    rows = [["Danh hiệu", "Năm", "Đăng ký", "Công nhận", "% đăng ký", "% tổng số", "Chỉ tiêu"]]
    rows += [_title_cells(title) for title in report["titles"]]
    story = [Paragraph("IV. Danh hiệu học tập", styles["section"])]
    if not report["titles"]:
        return [*story, Paragraph("Chưa có đăng ký danh hiệu nào trong kỳ.", styles["body"])]
    widths = [44 * mm, 14 * mm, 20 * mm, 20 * mm, 20 * mm, 20 * mm, 20 * mm]
    return [*story, _table(rows, widths), _chart(pdf_charts.titles_against_targets(FONT, report))]
