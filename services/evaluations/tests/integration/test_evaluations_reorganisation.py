"""Merges and splits of units followed by the evaluations service, on SQLite and PostgreSQL: records of the
closed communes go to the survivor with their statuses, a redelivery changes nothing, a report of a period
before the change still shows the old communes, and the dry run counts what would move."""

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from contracts.envelope import load_event, make_event
from contracts.errors import PermissionDenied, UnitNotFound
from evaluations import models
from evaluations.usecases import campaigns, reorganisation, report

COMMUNES = ("00004", "00008", "00025")  # Ba Đình (survives), Ngọc Hà, Giảng Võ
EFFECTIVE = date(2026, 7, 1)
ADMIN = {"officer_id": "t-admin", "username": "t.admin", "role": "ADMIN", "unit_code": "01"}
BEFORE = {"unit_code": "01", "date_from": date(2026, 1, 1), "date_to": date(2026, 6, 30)}
AFTER = {"unit_code": "01", "date_from": date(2026, 7, 1), "date_to": date(2026, 12, 31)}


def path(code, parent="00004"):
    return f"/VN/01/{code}/" if code in COMMUNES else f"/VN/01/{parent}/{code}/"


@pytest.fixture
def communes(unit, member, campaign, evaluate):
    """Each commune: a village, a member in the commune and one in the village, four titles of 2026 (the
    commune member's recognised, the village member's registered, the village and a household recognised)."""
    villages, members = {}, {}
    for code in COMMUNES:
        campaign(code)
        village = villages[code] = unit("VILLAGE", code, path(code))
        members[code] = (member(code, path(code)), member(village, f"{path(code)}{village}/"))
        for member_id, last in zip(members[code], ("RECOGNISED", "REGISTERED"), strict=True):
            evaluate({"title_type": "CONG_DAN_HOC_TAP", "year": 2026, "form_code": "RESIDENT",
                      "subject": {"kind": "PERSON", "member_id": str(member_id)}}, last)
        evaluate({"title_type": "CONG_DONG_HOC_TAP", "year": 2026,
                  "subject": {"kind": "VILLAGE", "unit_code": village}})
        evaluate({"title_type": "GIA_DINH_HOC_TAP", "year": 2026,
                  "subject": {"kind": "HOUSEHOLD", "unit_code": code, "name": f"Hộ Nguyễn Văn A {code}"}})
    return villages, members


def merge(uow, villages, event_id=None):
    """Publish-as-received ``units_merged`` of 00008 and 00025 into 00004 and let the service follow it."""
    moved = [{"unit_code": villages[c], "parent_code": "00004", "from_path": f"{path(c)}{villages[c]}/",
              "to_path": f"/VN/01/00004/{villages[c]}/"} for c in COMMUNES[1:]]
    payload = {"reorganisation_id": uuid.UUID(int=1), "effective_on": EFFECTIVE, "decision_ref": "NQ 1656",
               "moved_units": moved, "survivor_code": "00004", "survivor_path": path("00004"),
               "merged": [{"unit_code": c, "unit_path": path(c)} for c in COMMUNES[1:]]}
    event = make_event("units_merged", payload, "members")
    envelope, loaded = load_event({**event.to_message(), **({"event_id": str(event_id)} if event_id else {})})
    reorganisation.follow_reorganisation(uow(), "evaluations", envelope, loaded)
    return envelope["event_id"]


def snapshot(engine):
    with engine.connect() as connection:
        return {
            table: sorted(map(tuple, connection.execute(select(models.metadata.tables[table]))), key=repr)
            for table in ("evaluations", "member_units", "campaigns", "org_units", "org_unit_paths",
                          "record_unit_history")
        }


def statuses(engine):
    with engine.connect() as connection:
        rows = connection.execute(select(models.Evaluation.status, models.Evaluation.unit_path)).all()
    return sorted(status for status, _ in rows), {unit_path.split("/")[3] for _, unit_path in rows}


def row(part, code):
    titles = next(r["titles"] for r in part["by_unit"] if r["unit_code"] == code)
    return {(t["title_type"], t["year"]): (t["registered"], t["recognised"], t["eligible"]) for t in titles
            if t["year"] == 2026 and t["title_type"] in ("CONG_DAN_HOC_TAP", "CONG_DONG_HOC_TAP", "GIA_DINH_HOC_TAP")}


def test_a_merge_puts_every_record_under_the_survivor_with_its_status(uow, engine, communes):
    before = statuses(engine)
    merge(uow, communes[0])
    with engine.connect() as connection:
        members = set(connection.execute(select(models.MemberUnit.unit_path)).scalars())
        closed = connection.execute(select(models.Evaluation).where(models.Evaluation.unit_code.in_(COMMUNES[1:])))
        assert closed.all() == []
    assert statuses(engine) == (before[0], {"00004"})
    assert {p.split("/")[3] for p in members} == {"00004"} and len(members) == 4  # the survivor and three villages


def test_a_redelivery_or_the_same_merge_under_another_event_id_changes_nothing(uow, engine, communes):
    event_id = merge(uow, communes[0])
    after = snapshot(engine)
    merge(uow, communes[0], event_id)
    merge(uow, communes[0], uuid.uuid4())
    assert snapshot(engine) == after and len(after["record_unit_history"]) == 6  # 2 records + 1 member, ×2


def test_a_report_of_a_period_before_the_merge_still_shows_the_old_communes(uow, policy, communes):
    earlier = report.review_report_part(uow(), policy, ADMIN, BEFORE)
    merge(uow, communes[0])
    again = report.review_report_part(uow(), policy, ADMIN, BEFORE)
    assert again == earlier
    assert row(again, "00008") == {("CONG_DAN_HOC_TAP", 2026): (2, 1, 2), ("CONG_DONG_HOC_TAP", 2026): (1, 1, 1),
                                   ("GIA_DINH_HOC_TAP", 2026): (1, 1, None)}


def test_a_report_after_the_merge_counts_everything_under_the_survivor(uow, policy, communes):
    earlier = report.review_report_part(uow(), policy, ADMIN, AFTER)
    merge(uow, communes[0])
    later = report.review_report_part(uow(), policy, ADMIN, AFTER)
    assert later["titles"] == earlier["titles"]
    assert not {r["unit_code"] for r in later["by_unit"]} & set(COMMUNES[1:])
    assert row(later, "00004") == {("CONG_DAN_HOC_TAP", 2026): (6, 3, 6), ("CONG_DONG_HOC_TAP", 2026): (3, 3, 3),
                                   ("GIA_DINH_HOC_TAP", 2026): (3, 3, None)}


def test_a_merged_communes_campaign_goes_to_a_survivor_without_one_that_year(uow, policy, campaign, communes):
    campaign("00008", 2027)
    merge(uow, communes[0])
    years = [c["year"] for c in campaigns.list_campaigns(uow(), ADMIN, "00004", {"year": None})["items"]
             if c["unit_code"] == "00004"]
    assert sorted(years) == [2026, 2027]


PLAN = {"effective_on": EFFECTIVE, "decision_ref": None, "operations": [
    {"kind": "MERGE", "survivor_code": "00004", "merged_codes": list(COMMUNES)}]}


def test_the_dry_run_counts_the_registrations_and_members_each_closed_commune_would_hand_over(uow, communes):
    items = reorganisation.preview_reorganisation(uow(), ADMIN, PLAN)["items"]
    assert sorted((i["what"], i["from_unit_code"], i["to_unit_code"], i["count"]) for i in items) == [
        ("members", "00008", "00004", 1), ("members", "00025", "00004", 1),
        ("registrations", "00008", "00004", 2), ("registrations", "00025", "00004", 2)]
    merge(uow, communes[0])
    assert {i["count"] for i in reorganisation.preview_reorganisation(uow(), ADMIN, PLAN)["items"]} == {0}


def test_only_an_admin_with_every_unit_in_scope_may_preview(uow, communes):
    with pytest.raises(PermissionDenied):
        reorganisation.preview_reorganisation(uow(), {**ADMIN, "role": "OFFICER"}, PLAN)
    with pytest.raises(UnitNotFound):
        reorganisation.preview_reorganisation(uow(), {**ADMIN, "unit_code": "00004"}, PLAN)


# --- a split: 00025 into 00004 and 00008 ---------------------------------------------------------------


def split(uow, villages, members):
    """``unit_split`` of 00025 (closed): its own member goes to 00004, its village under 00008, which
    succeeds it for funds and unit-level records."""
    targets = [{"unit_code": c, "unit_path": path(c), "parent_code": "01", "level": "COMMUNE", "kind": None,
                "name": f"Phường {c}", "valid_from": date(2025, 7, 1)} for c in ("00004", "00008")]
    village = villages["00025"]
    payload = {"reorganisation_id": uuid.UUID(int=2), "effective_on": EFFECTIVE, "source_code": "00025",
               "source_path": path("00025"), "source_closed": True, "successor_code": "00008",
               "successor_path": path("00008"), "targets": targets,
               "moved_units": [{"unit_code": village, "parent_code": "00008", "from_path": f"{path('00025')}{village}/",
                                "to_path": f"{path('00008')}{village}/"}],
               "moved_members": [{"member_id": members["00025"][0], "to_unit_code": "00004",
                                  "to_unit_path": path("00004")}]}
    envelope, loaded = load_event(make_event("unit_split", payload, "members").to_message())
    reorganisation.follow_reorganisation(uow(), "evaluations", envelope, loaded)


def test_a_split_sends_a_members_records_with_the_member_and_the_rest_to_the_successor(uow, policy, communes):
    earlier = report.review_report_part(uow(), policy, ADMIN, BEFORE)
    split(uow, *communes)
    later = report.review_report_part(uow(), policy, ADMIN, AFTER)
    assert report.review_report_part(uow(), policy, ADMIN, BEFORE) == earlier
    assert row(later, "00004") == {("CONG_DAN_HOC_TAP", 2026): (3, 2, 3), ("CONG_DONG_HOC_TAP", 2026): (1, 1, 1),
                                   ("GIA_DINH_HOC_TAP", 2026): (1, 1, None)}
    assert row(later, "00008") == {("CONG_DAN_HOC_TAP", 2026): (3, 1, 3), ("CONG_DONG_HOC_TAP", 2026): (2, 2, 2),
                                   ("GIA_DINH_HOC_TAP", 2026): (2, 2, None)}


def test_the_dry_run_of_a_split_follows_the_assignments_and_the_successor(uow, communes):
    plan = {"effective_on": EFFECTIVE, "operations": [{
        "kind": "SPLIT", "source_code": "00025", "targets": [{"key": "00004", "code": "00004"}, {"key": "00008"}],
        "assignments": {str(communes[1]["00025"][0]): "00004"}, "default_target": "00008", "successor": "00008",
        "keep_source": False}]}
    items = reorganisation.preview_reorganisation(uow(), ADMIN, plan)["items"]
    assert [(i["what"], i["from_unit_code"], i["to_unit_code"], i["count"]) for i in items] == [
        ("members", "00025", "00004", 1), ("registrations", "00025", "00004", 1),
        ("registrations", "00025", "00008", 1)]
