"""Scoring against each shipped criteria set, the pass rules at their boundaries, the lifecycle's
transitions and the default calendar."""

from datetime import date

import pytest

from contracts.errors import TransitionRejected, ValidationFailed
from evaluations import criteria_sets, domain

SETS = criteria_sets.shipped()


def answers_for(set_id, points=None, **overrides):
    """Every scored indicator of the set answered with ``points`` (its maximum when None)."""
    criteria_set = SETS[set_id]
    answers = {i.code: criteria_set.maximum(i) if points is None else points for i in criteria_set.scored}
    answers.update({code.replace("_", "."): value for code, value in overrides.items()})
    return answers


def judge(set_id, answers):
    criteria_set = SETS[set_id]
    result = domain.score(criteria_set, answers)
    return result, domain.verdict(criteria_set, result)


def test_citizen_full_marks_are_100_and_pass():
    result, verdict = judge("CDHT-QD324-2023", answers_for("CDHT-QD324-2023"))
    assert result.total == 100 and result.by_criterion == {"NL1": 40, "NL2": 40, "NL3": 20}
    assert verdict.passes is True


def test_citizen_passes_at_exactly_80_and_fails_at_79():
    eighty = answers_for("CDHT-QD324-2023", 8)
    seventy_nine = answers_for("CDHT-QD324-2023", 8, NL3_2=7)
    assert judge("CDHT-QD324-2023", eighty)[1].passes is True
    assert judge("CDHT-QD324-2023", seventy_nine)[1] == domain.Verdict(False, None, ("below_min_total",))


def test_citizen_with_one_indicator_under_5_fails_even_above_80():
    answers = answers_for("CDHT-QD324-2023", 10, NL2_2=4)
    result, verdict = judge("CDHT-QD324-2023", answers)
    assert result.total == 94 and verdict == domain.Verdict(False, None, ("indicator_below_floor",))
    assert judge("CDHT-QD324-2023", answers_for("CDHT-QD324-2023", 10, NL2_2=5))[1].passes is True


def test_family_scores_the_four_known_indicators_and_leaves_the_decision_to_the_recogniser():
    result, verdict = judge("GDHT-QD448-2016", {"GD1.1": 10, "GD1.2": 7, "GD1.3": 9, "GD2.1": 10})
    assert (result.total, result.by_criterion) == (36, {"GD1": 26, "GD2": 10})
    assert verdict == domain.Verdict(None, None, ())


@pytest.mark.parametrize("set_id", ["DHHT-2022", "CONGDONG-THON-2021-2030"])
def test_sets_without_known_criteria_take_an_empty_declaration(set_id):
    result, verdict = judge(set_id, {})
    assert result.total == 0 and verdict.passes is None


@pytest.mark.parametrize(("total", "class_code"), [(100, "TOT"), (85, "TOT"), (84, "KHA"), (70, "KHA"),
                                                   (69, "TRUNG_BINH"), (50, "TRUNG_BINH"), (49, "KHONG_DAT")])
def test_circular_22_classes_a_unit_at_the_boundaries(total, class_code):
    answers = answers_for("DVHT-TT22-2020", 0)
    remaining = total
    for indicator in SETS["DVHT-TT22-2020"].scored:
        answers[indicator.code] = min(indicator.max_points, remaining)
        remaining -= answers[indicator.code]
    result, verdict = judge("DVHT-TT22-2020", answers)
    assert result.total == total and verdict == domain.Verdict(None, class_code, ())


@pytest.mark.parametrize("set_id", ["DVHT-TT24-2023-HUYEN", "CONGDONG-XA-TT25-2023"])
def test_pass_fail_sets_pass_only_when_every_indicator_is_met(set_id):
    assert judge(set_id, answers_for(set_id, 1))[1].passes is True
    one_unmet = answers_for(set_id, 1)
    one_unmet[next(iter(one_unmet))] = 0
    assert judge(set_id, one_unmet)[1] == domain.Verdict(False, None, ("indicator_not_met",))


def codes(error):
    return {name: [e["code"] for e in errors] for name, errors in error.value.fields.items()}


def test_answers_out_of_range_unknown_or_missing_are_all_reported_with_codes():
    answers = answers_for("CDHT-QD324-2023", 8, NL1_1=11, NL1_2=-1)
    del answers["NL3.2"]
    answers["NL9.9"] = 5
    with pytest.raises(ValidationFailed) as error:
        domain.score(SETS["CDHT-QD324-2023"], answers)
    assert codes(error) == {"answers.NL1.1": ["points_out_of_range"], "answers.NL1.2": ["points_out_of_range"],
                            "answers.NL3.2": ["required"], "answers.NL9.9": ["unknown_indicator"]}


def test_pass_fail_answers_are_0_or_1_and_unscored_family_indicators_are_refused():
    with pytest.raises(ValidationFailed) as error:
        domain.score(SETS["CONGDONG-XA-TT25-2023"], answers_for("CONGDONG-XA-TT25-2023", 1, TC1=2))
    assert codes(error) == {"answers.TC1": ["points_out_of_range"]}
    with pytest.raises(ValidationFailed) as error:
        domain.score(SETS["GDHT-QD448-2016"], answers_for("GDHT-QD448-2016", 5, GD2_2=5))
    assert codes(error) == {"answers.GD2.2": ["unknown_indicator"]}


def test_a_review_adjusts_points_within_range_only():
    cdht = SETS["CDHT-QD324-2023"]
    answers = answers_for("CDHT-QD324-2023", 9)
    adjusted = domain.adjust(cdht, answers, [{"indicator": "NL1.1", "points": 4, "reason": "no evidence"}])
    assert adjusted["NL1.1"] == 4 and answers["NL1.1"] == 9
    with pytest.raises(ValidationFailed) as error:
        domain.adjust(cdht, answers, [{"indicator": "NL1.1", "points": 12, "reason": "typo"}])
    assert codes(error) == {"adjustments.NL1.1": ["points_out_of_range"]}
    with pytest.raises(ValidationFailed) as error:
        domain.adjust(cdht, answers, [{"indicator": "XX", "points": 1, "reason": "typo"}])
    assert codes(error) == {"adjustments.0.indicator": ["unknown_indicator"]}


LEGAL = {("REGISTERED", "self_assess"), ("SELF_ASSESSED", "review"), ("REVIEWED", "decide")}
ALL = [(status, action) for status in ("REGISTERED", "SELF_ASSESSED", "REVIEWED", "RECOGNISED", "NOT_RECOGNISED")
       for action in domain.TRANSITIONS]


@pytest.mark.parametrize(("status", "action"), [pair for pair in ALL if pair not in LEGAL])
def test_every_illegal_transition_is_rejected(status, action):
    with pytest.raises(TransitionRejected) as error:
        domain.next_status(status, action, "RECOGNISED")
    assert error.value.details["status"] == status and error.value.code == "transition_rejected"


def test_the_legal_transitions_lead_forward():
    assert domain.next_status("REGISTERED", "self_assess") == "SELF_ASSESSED"
    assert domain.next_status("SELF_ASSESSED", "review") == "REVIEWED"
    assert domain.next_status("REVIEWED", "decide", "NOT_RECOGNISED") == "NOT_RECOGNISED"


def test_the_default_calendar_is_the_domain_one_for_a_year():
    assert domain.default_deadlines(2026) == {
        "dossier_before": date(2027, 1, 15), "community_dossier_before": date(2027, 2, 28),
        "recognition_by": date(2027, 3, 31), "report_before": date(2026, 12, 15)}
    assert domain.default_deadlines(2026, {"recognition_by": "04-30"})["recognition_by"] == date(2027, 4, 30)


def test_subjects_with_names_compare_without_diacritics_or_case():
    assert domain.subject_key("HOUSEHOLD", unit_code="00070", name="Hộ ông Đặng  Văn Lâm") == domain.subject_key(
        "HOUSEHOLD", unit_code="00070", name="ho ong dang van lam")
    assert domain.subject_key("CLAN", unit_code="00070-G0003") == "unit:00070-G0003"
