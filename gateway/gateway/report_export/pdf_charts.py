"""The PDF report's charts: reportlab vector drawings, labelled in the report's Vietnamese font (the text of
a chart is text in the PDF, not pixels: it can be searched and read aloud)."""

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.textlabels import NA_Label
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from gateway.report_export import labels, top_units

WIDTH = 480
PALETTE = (colors.HexColor("#2F6DB5"), colors.HexColor("#E08A1E"), colors.HexColor("#3A9A5B"),
           colors.HexColor("#B53A3A"))  # fmt: skip
NAMES, VALUES = 150, 46  # points for the units' names left of the bars, for the values right of them
BAR, GAP = 8, 7  # a bar's thickness and the space between two units, in points
NAME_PREFIXES = ("Phường ", "Xã ", "Thị trấn ", "Thị xã ", "Quận ", "Huyện ", "Thành phố ", "Chi hội ")


def _short(text, limit=16):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend(drawing, font, names, x, y):
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = x, y, font, 8
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy = "right", 1, 8, 8
    legend.deltax, legend.autoXPadding = 90, 10
    legend.colorNamePairs = list(zip(PALETTE, names, strict=False))
    drawing.add(legend)


def grouped_columns(font, title, categories, series, names, value_format=labels.number, height=220, note=None):
    """Vertical bars: one group per category, one bar per series (``series``: lists of numbers; None draws no
    bar). For a few categories (the titles): the per-unit charts use ``unit_bars``."""
    drawing = Drawing(WIDTH, height, initialFontName=font)
    _heading(drawing, font, title, note, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 60, 55, WIDTH - 80, height - 100 - (10 if note else 0)
    chart.data = [list(values) for values in series] or [[0]]
    chart.categoryAxis.categoryNames = [_short(c, 30 if len(categories) <= 3 else 16) for c in categories] or [""]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, 7
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 25 if len(categories) > 4 else 0, "ne"
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = value_format
    bar_width = chart.width / (max(len(categories), 1) * (len(chart.data) + 1))
    if bar_width >= _widest(chart.data, value_format, font, 6):
        chart.barLabels.fontName, chart.barLabels.fontSize = font, 6
        chart.barLabelFormat, chart.barLabels.nudge = value_format, 6
    for index in range(len(chart.data)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(chart)
    _legend(drawing, font, names, 60, height - (36 if note else 26))
    return drawing


def _widest(series, value_format, font, size):
    """The width of the widest value label, in points."""
    return max(
        (stringWidth(value_format(v), font, size) for values in series for v in values if v is not None), default=0
    )


def unit_bars(font, title, bars, names, value_format=labels.number, note=None):
    """Horizontal bars, one group per unit of ``bars`` (a ``top_units.UnitBars``), the first one at the top:
    the unit's name on the axis (never rotated, never overlapping), its values at the bars' ends. The bar of
    "the other units", many times the largest unit, is cut at the axis' end with a break mark and its value
    written inside it: drawn to scale it would flatten every other bar."""
    top = len(names) * BAR + GAP
    height = 58 + (10 if note else 0) + top * max(len(bars.names), 1)
    drawing = Drawing(WIDTH, height, initialFontName=font)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width = NAMES + 8, 22, WIDTH - NAMES - 8 - VALUES
    chart.height = height - 58 - (10 if note else 0)
    series = [list(reversed(values)) for values in reversed(bars.series)] or [[0]]  # reportlab draws bottom-up
    cap = top_units.axis_end(bars)
    if cap:
        note = f"{note} (cột cắt ngắn, số ghi trên cột)"
    chart.data = [[min(v, cap) if cap else v for v in values] for values in series]
    chart.categoryAxis.categoryNames = [fit_name(n, font, 7.5, NAMES) for n in reversed(bars.names)] or [""]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, 7.5
    chart.groupSpacing, chart.barSpacing = GAP, 0
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, 7
    chart.valueAxis.valueMin, chart.valueAxis.maximumTicks, chart.valueAxis.valueMax = 0, 6, cap
    chart.valueAxis.labelTextFormat = value_format
    if _widest(series, value_format, font, 6.5) <= VALUES - 4:
        chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.boxAnchor = font, 6.5, "w"
        chart.barLabelFormat, chart.barLabels.dx = "values", 3
        chart.barLabelArray = [[value_format(v) for v in values] for values in series]
    _heading(drawing, font, title, note, height)
    for index in range(len(chart.data)):
        chart.bars[index].fillColor = PALETTE[(len(chart.data) - 1 - index) % len(PALETTE)]
        if cap and series[index][0] > cap:
            label = chart.barLabels[(index, 0)]
            label.boxAnchor, label.dx, label.fillColor = "e", -4, colors.white
    drawing.add(chart)
    if cap:
        _break_mark(drawing, chart, cap)
    _legend(drawing, font, names, NAMES + 8, height - (36 if note else 26))
    return drawing


def _break_mark(drawing, chart, cap):
    """Two white slashes across each bar of the bottom group (the other units) that the axis' end cuts."""
    for index, values in enumerate(chart.data):
        if values[0] < cap:
            continue
        bottom = chart.y + GAP / 2 + index * BAR
        for x in (chart.x + chart.width * 0.72 + offset for offset in (0, 4)):
            drawing.add(Line(x - 2, bottom + 0.5, x + 2, bottom + BAR - 0.5, strokeColor=colors.white, strokeWidth=1.5))


def fit_name(name, font, size, width):
    """A unit's name as it fits ``width`` points: whole if it can, else without its kind ("Phường ", "Xã "…),
    else cut with an ellipsis."""
    if stringWidth(name, font, size) <= width:
        return name
    for prefix in NAME_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :]
            break
    while stringWidth(name, font, size) > width and len(name) > 2:
        name = name[:-2].rstrip() + "…"
    return name


def _heading(drawing, font, title, note, height):
    drawing.add(String(WIDTH / 2, height - 12, title, fontName=font, fontSize=10, textAnchor="middle"))
    if note:
        drawing.add(String(WIDTH / 2, height - 23, note, fontName=font, fontSize=7.5, textAnchor="middle",
                           fillColor=colors.HexColor("#555555")))  # fmt: skip


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
    bars = top_units.members_bars(report["by_unit"])
    bars = top_units.UnitBars(bars.names, bars.series[::-1], bars.others, bars.units)  # start before end
    note = top_units.note(bars, "hội viên cuối kỳ")
    return unit_bars(font, top_units.members_title(bars), bars, ["Đầu kỳ", "Cuối kỳ"], note=note)


def participants_by_kind(font, report):
    kinds = labels.activities_by_kind(report["activities"]).values()
    return horizontal_bars(
        font,
        "Lượt người tham gia theo loại hoạt động",
        [labels.activity_kind(k["kind"]) for k in kinds],
        [k["participants"] for k in kinds],
    )


def funds_by_unit(font, report):
    bars = top_units.funds_bars(report["by_unit"])
    note = top_units.note(bars, "số tiền huy động")
    return unit_bars(font, top_units.funds_title(bars), bars, ["Huy động", "Đã chi"], _compact_money, note)


NOT_KNOWN = "chưa có tổng số"


def titles_against_targets(font, report):
    """Recognised as a percent of all who could be (``percent_of_all``), the measure of the target; where the
    number of all is not known, no bar but the words "chưa có tổng số"."""
    titles = report["titles"]
    drawing = grouped_columns(
        font, "Danh hiệu: tỷ lệ công nhận so với chỉ tiêu (%)",
        [f"{labels.title_type(t['title_type'])} {t['year']}" for t in titles],
        [[t.get("percent_of_all") for t in titles], [t.get("target_percent") for t in titles]],
        ["Công nhận / tổng số đối tượng (%)", "Chỉ tiêu (% tổng số đối tượng)"], value_format=_whole_percent,
        note="Cả hai cột cùng một thước đo: phần trăm trên tổng số đối tượng (không phải trên số đăng ký)",
    )  # fmt: skip
    chart = next(item for item in drawing.contents if isinstance(item, VerticalBarChart))
    chart.naLabel = NA_Label()
    chart.naLabel.text, chart.naLabel.fontName, chart.naLabel.fontSize = NOT_KNOWN, font, 6.5
    chart.naLabel.angle, chart.naLabel.boxAnchor, chart.naLabel.fillColor = 90, "w", colors.HexColor("#B53A3A")
    return drawing


def _whole_percent(value):
    return "" if value is None else f"{value:.0f}"


def _compact_money(value):
    """Axis labels of money: 1.500.000 as "1,5 tr", 2.000.000.000 as "2 tỷ"."""
    for size, unit in ((1_000_000_000, "tỷ"), (1_000_000, "tr"), (1_000, "ng")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"
    return labels.number(value)
