"""Pure rules of the evaluations service: scoring, the pass rule, the lifecycle, subjects, the calendar.

Nothing here touches a database; values in, values (or ``contracts`` errors) out.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from contracts.errors import TransitionRejected, ValidationFailed, field_error

# --- the lifecycle --------------------------------------------------------------------------------------

REGISTERED, SELF_ASSESSED, REVIEWED = "REGISTERED", "SELF_ASSESSED", "REVIEWED"
RECOGNISED, NOT_RECOGNISED = "RECOGNISED", "NOT_RECOGNISED"

# action -> the one state it starts from, and the state it leads to (decide leads to the outcome)
TRANSITIONS = {
    "self_assess": (REGISTERED, SELF_ASSESSED),
    "review": (SELF_ASSESSED, REVIEWED),
    "decide": (REVIEWED, None),
}


def next_status(status, action, outcome=None):
    """The state after ``action``; ``TransitionRejected`` (409) when ``status`` does not allow it."""
    allowed_from, to = TRANSITIONS[action]
    if status != allowed_from:
        raise TransitionRejected(
            f"'{action}' is only allowed from {allowed_from}; this evaluation is {status}.",
            {"status": status, "action": action, "allowed_from": allowed_from},
            f"Chỉ thực hiện '{action}' khi hồ sơ ở trạng thái {allowed_from}; hồ sơ đang ở trạng thái {status}.",
        )
    return to or outcome


# --- scoring --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    total: int
    by_criterion: dict
    answers: dict


def _answer_error(code, vi, en):
    return [field_error(code, vi, en)]


def score(criteria_set, answers, field="answers"):
    """Points per indicator checked against the set: every scored indicator answered, each in 0..max
    (pass/fail: 0 or 1), nothing else. All problems are reported at once, per ``answers.<code>``."""
    problems = {}
    scored = {i.code: i for i in criteria_set.scored}
    for code in answers:
        if code not in scored:
            problems[f"{field}.{code}"] = _answer_error(
                "unknown_indicator",
                "Chỉ số này không có trong bộ tiêu chí (hoặc chưa có điểm tối đa).",
                "This indicator is not in the criteria set (or has no known maximum).",
            )
    for code, indicator in scored.items():
        maximum = criteria_set.maximum(indicator)
        if code not in answers:
            problems[f"{field}.{code}"] = _answer_error("required", "Chưa chấm chỉ số này.", "Answer every indicator.")
        elif not 0 <= answers[code] <= maximum:
            problems[f"{field}.{code}"] = _answer_error(
                "points_out_of_range",
                f"Điểm phải từ 0 đến {maximum}.",
                f"Points must be between 0 and {maximum}.",
            )
    if problems:
        raise ValidationFailed.from_fields(problems)
    by_criterion = {}
    for indicator in criteria_set.scored:
        by_criterion[indicator.criterion] = by_criterion.get(indicator.criterion, 0) + answers[indicator.code]
    return Score(sum(answers[code] for code in scored), by_criterion, {code: answers[code] for code in scored})


@dataclass(frozen=True)
class Verdict:
    passes: bool | None  # None: the rule leaves the decision to the recogniser
    class_code: str | None
    reasons: tuple  # why it does not pass (codes)


def verdict(criteria_set, result):
    """What the set's pass rule says of a score."""
    rule = criteria_set.pass_rule
    method = rule["method"]
    if method == "threshold":
        reasons = []
        if result.total < rule["min_total"]:
            reasons.append("below_min_total")
        floor = rule.get("min_each_indicator")
        if floor is not None and any(points < floor for points in result.answers.values()):
            reasons.append("indicator_below_floor")
        return Verdict(not reasons, None, tuple(reasons))
    if method == "classification":
        classes = sorted(rule["classes"], key=lambda c: c["min_total"], reverse=True)
        class_code = next(c["code"] for c in classes if result.total >= c["min_total"])
        recognised = rule.get("recognised_classes")
        if recognised is None:
            return Verdict(None, class_code, ())
        passes = class_code in recognised
        return Verdict(passes, class_code, () if passes else ("class_not_recognised",))
    if method == "all_met":
        unmet = [code for code, points in result.answers.items() if points < 1]
        return Verdict(not unmet, None, () if not unmet else ("indicator_not_met",))
    return Verdict(None, None, ())


def adjust(criteria_set, answers, adjustments):
    """The answers after a reviewer's adjustments (each checked as an answer is), and the records kept."""
    adjusted = dict(answers)
    for n, change in enumerate(adjustments):
        if change["indicator"] not in adjusted:
            raise ValidationFailed.from_fields(
                {
                    f"adjustments.{n}.indicator": _answer_error(
                        "unknown_indicator",
                        "Chỉ số này không có trong bộ tiêu chí.",
                        "This indicator is not in the criteria set.",
                    )
                }
            )
        adjusted[change["indicator"]] = change["points"]
    try:
        score(criteria_set, adjusted, field="adjustments")
    except ValidationFailed as error:
        raise ValidationFailed.from_fields(error.fields) from None
    return adjusted


# --- subjects -------------------------------------------------------------------------------------------


def fold(text):
    """Lower case without diacritics or repeated spaces: names of households and clans compare this way."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(plain.lower().split())


def subject_key(kind, member_id=None, unit_code=None, name=None):
    """The identity of a subject: one registration per (subject key, title, year)."""
    if kind == "PERSON":
        return f"member:{member_id}"
    if kind == "HOUSEHOLD":
        return f"household:{unit_code}:{fold(name)}"
    if kind == "CLAN" and name:
        return f"clan:{unit_code}:{fold(name)}"
    return f"unit:{unit_code}"


# Grassroots unit kinds (contracts.members.GRASSROOTS_KINDS) that each unit subject must be.
UNIT_KINDS_OF_SUBJECT = {
    "CLAN": ("CLAN",),
    "VILLAGE": ("VILLAGE",),
    "ORGANISATION": ("AGENCY", "SCHOOL", "ENTERPRISE"),
}
LEVEL_OF_SUBJECT = {"CLAN": "GRASSROOTS", "VILLAGE": "GRASSROOTS", "ORGANISATION": "GRASSROOTS",
                    "COMMUNE": "COMMUNE", "PROVINCE": "PROVINCE"}

LEVEL_RANK = {"CENTRAL": 0, "PROVINCE": 1, "DISTRICT": 2, "COMMUNE": 3, "GRASSROOTS": 4}


def at_or_above(actor_level, required_level):
    return LEVEL_RANK[actor_level] <= LEVEL_RANK[required_level]


# --- the calendar ---------------------------------------------------------------------------------------

# DOMAIN.md, "Calendar (configurable)": month and day, in the year after the campaign's year except the report.
DEFAULT_CALENDAR = {
    "dossier_before": "01-15",  # unit dossiers before 15 January
    "community_dossier_before": "02-28",  # commune community dossiers before 28 February
    "recognition_by": "03-31",  # recognition decisions by 31 March
    "report_before": "12-15",  # the yearly national report before 15 December (of the campaign year)
}


def default_deadlines(year, calendar=None):
    calendar = {**DEFAULT_CALENDAR, **(calendar or {})}

    def on(key, in_year):
        month, day = (int(part) for part in calendar[key].split("-"))
        return date(in_year, month, day)

    return {
        "dossier_before": on("dossier_before", year + 1),
        "community_dossier_before": on("community_dossier_before", year + 1),
        "recognition_by": on("recognition_by", year + 1),
        "report_before": on("report_before", year),
    }


def dossier_deadline(campaign_deadlines, slot):
    """The day before which a subject's dossier (registration, self-assessment) is accepted."""
    key = "community_dossier_before" if slot == "CONG_DONG_HOC_TAP_XA" else "dossier_before"
    return campaign_deadlines[key]


def percent(part, whole):
    return round(100 * part / whole, 2) if whole else None


def target_percent(targets, year):
    """The plan's target for ``year``: the first target of the nearest milestone (``by_year``) not before
    it, else of the last one (a target reached stays the target). For Công dân học tập the first target of
    a milestone is the adults' one (targets.yml lists it first)."""
    if not targets:
        return None
    milestones = sorted({target["by_year"] for target in targets})
    milestone = next((by_year for by_year in milestones if by_year >= year), milestones[-1])
    return float(next(target["percent"] for target in targets if target["by_year"] == milestone))


# --- reorganisation -------------------------------------------------------------------------------------


def split_destination(member_id, subject_unit_code, source_code, member_targets, successor, source_closed):
    """Where a record of a split unit goes: with its member if the member moved; else to the successor,
    unless the source is kept and the record is a member's who stayed or the source's own. None: it stays."""
    if member_id is not None and member_id in member_targets:
        return member_targets[member_id]
    if not source_closed and (member_id is not None or subject_unit_code == source_code):
        return None
    return successor
