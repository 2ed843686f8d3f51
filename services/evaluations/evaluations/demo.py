"""The demo data of `make run`: this year's campaigns of Hà Nội (01) and Phường Hoàn Kiếm (00070) and
evaluations in every state.

The demo members live in the members database and reach this service only as events, after it starts;
`make run` loads this demo before. So the demo is built from what is known at load time, the official
tree: households and clans of 00070 (named subjects) and the commune-level Cộng đồng học tập of Hà Nội
communes. Citizens (Công dân học tập) are added for the members the projection already holds, so running
``python -m evaluations.manage load-demo`` again once the platform has run adds them. Re-running never
duplicates: a subject already registered for the year is left as it is.
"""

from contracts.evaluations import AlreadyRegistered, CampaignAlreadyOpen
from evaluations import repository
from evaluations.usecases import campaigns, common, lifecycle, registrations
from servicekit import orgunits

PROVINCE = {"officer_id": "demo-loader", "username": "demo.province", "role": "ADMIN", "unit_code": "01"}
COMMUNE = {"officer_id": "demo-loader", "username": "demo.commune", "role": "OFFICER", "unit_code": "00070"}
FULL = "RECOGNISED"

HOUSEHOLDS = [  # (subject, how far it goes)
    ("Hộ gia đình số 12 phố Hàng Bạc", FULL),
    ("Hộ gia đình số 5 ngõ Hội Vũ", "REVIEWED"),
    ("Hộ gia đình số 27 phố Hàng Gai", "SELF_ASSESSED"),
    ("Hộ gia đình số 8 phố Hàng Đào", "REGISTERED"),
]
CLANS = [("Dòng họ Nguyễn phố Hàng Bạc", FULL), ("Dòng họ Trần phố Hàng Gai", "SELF_ASSESSED")]
PERSON_STEPS = [FULL, FULL, "NOT_RECOGNISED", "REVIEWED", "SELF_ASSESSED", "REGISTERED"]
ORDER = ["REGISTERED", "SELF_ASSESSED", "REVIEWED", "DECIDED"]


def load(new_work, policy, on=None):
    """Everything above, through the use cases (so events go out through the outbox); returns a summary."""
    day = on or common.today()
    year = day.year
    opened = sum(_open(new_work, policy, actor, code, year) for actor, code in ((PROVINCE, "01"), (COMMUNE, "00070")))
    made = 0
    for name, last in HOUSEHOLDS:
        made += _evaluate(new_work, policy, COMMUNE, _subject("GIA_DINH_HOC_TAP", "HOUSEHOLD", year, name), last, day)
    for name, last in CLANS:
        made += _evaluate(new_work, policy, COMMUNE, _subject("DONG_HO_HOC_TAP", "CLAN", year, name), last, day)
    for code, last in zip(_hanoi_communes(), (FULL, "SELF_ASSESSED", "REGISTERED"), strict=False):
        command = {"title_type": "CONG_DONG_HOC_TAP", "year": year, "subject": {"kind": "COMMUNE", "unit_code": code}}
        made += _evaluate(new_work, policy, PROVINCE, command, last, day, degree="L1")
    for member_id, last in zip(_known_members(new_work), PERSON_STEPS, strict=False):
        command = {"title_type": "CONG_DAN_HOC_TAP", "year": year, "form_code": "RESIDENT",
                   "subject": {"kind": "PERSON", "member_id": member_id}}
        made += _evaluate(new_work, policy, COMMUNE, command, last, day)
    return f"{opened} campaigns opened, {made} evaluations added for {year}"


def _subject(title, kind, year, name):
    return {"title_type": title, "year": year, "subject": {"kind": kind, "name": name, "unit_code": "00070"}}


def _open(new_work, policy, actor, code, year):
    try:
        campaigns.open_campaign(new_work(), policy, actor, code, {"year": year, "criteria_sets": {}})
    except CampaignAlreadyOpen:
        return 0
    return 1


def _hanoi_communes():
    return ["00070", *[u.code for u in orgunits.official_communes() if u.parent_code == "01" and u.code != "00070"][:2]]


def _known_members(new_work):
    work = new_work()
    with work:
        scope = common.scope_path(work.session, COMMUNE)
        return [str(member_id) for member_id in repository.active_member_ids(work.session, scope, len(PERSON_STEPS))]


def _evaluate(new_work, policy, actor, command, last, day, degree=None):
    """Register and take the evaluation as far as ``last``; 0 if the subject was registered before."""
    try:
        evaluation = registrations.register_evaluation(new_work(), policy, actor, command, on=day)
    except AlreadyRegistered:
        return 0
    criteria_set = policy.criteria[evaluation["criteria_set_id"]]
    passing = last != "NOT_RECOGNISED"
    reviewer = PROVINCE if command["subject"]["kind"] == "COMMUNE" else COMMUNE
    steps = ORDER.index("DECIDED" if last in (FULL, "NOT_RECOGNISED") else last)
    if steps >= 1:
        answers = {i.code: _points(criteria_set, i, passing) for i in criteria_set.scored}
        lifecycle.submit_self_assessment(new_work(), policy, actor, evaluation["id"], {"answers": answers}, on=day)
    if steps >= 2:
        lifecycle.review_evaluation(new_work(), policy, reviewer, evaluation["id"], {"adjustments": []}, on=day)
    if steps >= 3:
        decision = {"outcome": "RECOGNISED" if passing else "NOT_RECOGNISED",
                    "decision_reference": f"{day.year}/QĐ-KH-DEMO", "degree": degree if criteria_set.levels else None}
        lifecycle.decide_evaluation(new_work(), policy, reviewer, evaluation["id"], decision, on=day)
    return 1


def _points(criteria_set, indicator, passing):
    maximum = criteria_set.maximum(indicator)
    if criteria_set.scoring == "pass_fail":
        return 1
    return maximum - 1 if passing else max(maximum // 2, 0)
