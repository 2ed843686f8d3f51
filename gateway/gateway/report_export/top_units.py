"""Which child units a per-unit chart draws: a province has over a hundred communes, and a hundred bars with
their names cannot be read. Past ``TOP`` units a chart draws the ``TOP`` with the largest main figure and one
last bar, "Các đơn vị khác (N)", summing the rest; the tables beside the charts keep every unit."""

from dataclasses import dataclass

TOP = 12


@dataclass(frozen=True)
class UnitBars:
    """The bars of a per-unit chart: ``names[i]`` has ``series[s][i]`` for each figure ``s``."""

    names: list
    series: list
    others: int  # how many units the last bar sums (0: every unit has its own bar)
    units: int  # how many units the report has

    @property
    def is_top(self):
        return self.others > 0


def others_name(count):
    return f"Các đơn vị khác ({count})"


def top_units(rows, figures, top=TOP):
    """The bars for ``rows`` (the report's ``by_unit``): ``figures`` are functions of a row, the first one the
    figure the units are ranked by, largest first (ties keep the report's order)."""
    ranked = sorted(rows, key=lambda row: -(figures[0](row) or 0))
    shown, rest = (ranked, []) if len(ranked) <= top else (ranked[:top], ranked[top:])
    names = [row["unit"]["name"] for row in shown]
    series = [[figure(row) or 0 for row in shown] for figure in figures]
    if rest:
        names.append(others_name(len(rest)))
        for values, figure in zip(series, figures, strict=True):
            values.append(sum(figure(row) or 0 for row in rest))
    return UnitBars(names, series, len(rest), len(rows))


def axis_end(bars):
    """Where a chart's value axis should end when the last bar sums more than twice the largest unit (drawn to
    scale it would flatten every other bar: it is cut there, its value written on it), else None."""
    if not bars.is_top:
        return None
    largest = max((v for values in bars.series for v in values[:-1]), default=0)
    rest = max(values[-1] for values in bars.series)
    if not largest or rest <= 2 * largest:
        return None
    end = largest * 1.15
    step = 10 ** max(len(str(int(end))) - 2, 0)  # two significant digits, rounded up
    return -(-end // step) * step


def members_at_end(row):
    return row["members"]["at_end"]


def members_at_start(row):
    return row["members"]["at_start"]


def funds_raised(row):
    return (row.get("funds") or {}).get("raised", 0)


def funds_spent(row):
    return (row.get("funds") or {}).get("spent", 0)


def members_bars(rows, top=TOP):
    """Members at the end of the period (the ranking) and at its start."""
    return top_units(rows, (members_at_end, members_at_start), top)


def funds_bars(rows, top=TOP):
    """Funds raised (the ranking) and spent."""
    return top_units(rows, (funds_raised, funds_spent), top)


def members_title(bars):
    return "Hội viên theo đơn vị trực thuộc" + (f" — {TOP} đơn vị đông nhất" if bars.is_top else "")


def funds_title(bars):
    return "Huy động và chi theo đơn vị (đồng)" + (f" — {TOP} đơn vị huy động nhiều nhất" if bars.is_top else "")


def note(bars, ranked_by):
    """The line under a chart's title saying what the last bar is, or None."""
    if not bars.is_top:
        return None
    return f"{bars.units} đơn vị, xếp theo {ranked_by}; cột cuối cộng {bars.others} đơn vị còn lại"
