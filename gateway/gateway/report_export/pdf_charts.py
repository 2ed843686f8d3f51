"""The PDF report's charts: reportlab vector drawings, labelled in the report's Vietnamese font (the text of
a chart is text in the PDF, not pixels: it can be searched and read aloud)."""

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from gateway.report_export import labels

WIDTH = 480
PALETTE = (colors.HexColor("#2F6DB5"), colors.HexColor("#E08A1E"), colors.HexColor("#3A9A5B"),
           colors.HexColor("#B53A3A"))  # fmt: skip


def _short(text, limit=16):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend(drawing, font, names, x, y):
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = x, y, font, 8
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy = "right", 1, 8, 8
    legend.deltax, legend.autoXPadding = 90, 10
    legend.colorNamePairs = list(zip(PALETTE, names, strict=False))
    drawing.add(legend)


def grouped_columns(font, title, categories, series, names, value_format=labels.number, height=220):
    """Vertical bars: one group per category, one bar per series (``series``: lists of numbers)."""
    drawing = Drawing(WIDTH, height, initialFontName=font)
    drawing.add(String(WIDTH / 2, height - 12, title, fontName=font, fontSize=10, textAnchor="middle"))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 60, 55, WIDTH - 80, height - 100
    chart.data = [[value or 0 for value in values] for values in series] or [[0]]
    chart.categoryAxis.categoryNames = [_short(c, 30 if len(categories) <= 3 else 16) for c in categories] or [""]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, 7
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 25 if len(categories) > 4 else 0, "ne"
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = value_format
    chart.barLabels.fontName, chart.barLabels.fontSize = font, 6
    chart.barLabelFormat, chart.barLabels.nudge = value_format, 6
    for index in range(len(chart.data)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(chart)
    _legend(drawing, font, names, 60, height - 26)
    return drawing


def horizontal_bars(font, title, categories, values, value_format=labels.number, colour=PALETTE[0]):
    """One bar per category, the value at its end."""
    height = 60 + 22 * max(len(categories), 1)
    drawing = Drawing(WIDTH, height, initialFontName=font)
    drawing.add(String(WIDTH / 2, height - 12, title, fontName=font, fontSize=10, textAnchor="middle"))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 20, WIDTH - 230, height - 45
    chart.data = [[value or 0 for value in values] or [0]]
    chart.categoryAxis.categoryNames = [_short(c, 26) for c in categories] or [""]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, 8
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = value_format
    chart.barLabels.fontName, chart.barLabels.fontSize = font, 7
    chart.barLabelFormat, chart.barLabels.boxAnchor, chart.barLabels.dx = value_format, "w", 4
    chart.bars[0].fillColor = colour
    drawing.add(chart)
    return drawing


def members_by_unit(font, report):
    rows = report["by_unit"]
    return grouped_columns(
        font,
        "Hội viên theo đơn vị trực thuộc",
        [r["unit"]["name"] for r in rows],
        [[r["members"]["at_start"] for r in rows], [r["members"]["at_end"] for r in rows]],
        ["Đầu kỳ", "Cuối kỳ"],
    )


def participants_by_kind(font, report):
    kinds = labels.activities_by_kind(report["activities"]).values()
    return horizontal_bars(
        font,
        "Lượt người tham gia theo loại hoạt động",
        [labels.activity_kind(k["kind"]) for k in kinds],
        [k["participants"] for k in kinds],
    )


def funds_by_unit(font, report):
    rows = report["by_unit"]
    funds = [r.get("funds") or {} for r in rows]
    return grouped_columns(
        font,
        "Huy động và chi theo đơn vị (đồng)",
        [r["unit"]["name"] for r in rows],
        [[f.get("raised", 0) for f in funds], [f.get("spent", 0) for f in funds]],
        ["Huy động", "Đã chi"],
        value_format=_compact_money,
    )


def titles_against_targets(font, report):
    titles = report["titles"]
    return grouped_columns(
        font, "Danh hiệu: tỷ lệ công nhận so với chỉ tiêu (%)",
        [f"{labels.title_type(t['title_type'])} {t['year']}" for t in titles],
        [[t.get("percent_of_all") or t.get("percent_of_registered") or 0 for t in titles],
         [t.get("target_percent") or 0 for t in titles]],
        ["Đạt được", "Chỉ tiêu"], value_format=lambda v: f"{v:.0f}",
    )  # fmt: skip


def _compact_money(value):
    """Axis labels of money: 1.500.000 as "1,5 tr", 2.000.000.000 as "2 tỷ"."""
    for size, unit in ((1_000_000_000, "tỷ"), (1_000_000, "tr"), (1_000, "ng")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"
    return labels.number(value)
