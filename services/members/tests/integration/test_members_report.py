"""The members part of the review report, on a dataset whose figures are known to the unit.

Hà Nội (01): commune 00070 with grassroots unit G1, commune 00073 with grassroots unit G2, and a story of
members and activities told against the period October 2025 - March 2026 (``story``; the expected figures
are worked out beside each step). Then 00073 merges into 00070 on 1 April 2026, as a reorganisation leaves
the data (``merge_00073_into_00070``): the report for the period before still shows 00073.
"""

import uuid
from datetime import date

import pytest
from sqlalchemy import insert, select, update

from contracts.errors import UnitNotFound, ValidationFailed
from contracts.members import LeaveMemberSchema, RejoinMemberSchema, TransferMemberSchema
from contracts.reports import CreateActivitySchema, MembersReportPartSchema, ReportQuerySchema
from members.models import UNIT_PATHS, Member, Membership, Unit
from members.usecases import activities, members, report, statistics
from servicekit.validation import load

PERIOD = ("2025-10-01", "2026-03-31")
AFTER_MERGE = ("2026-04-01", "2026-06-30")
G1, G2 = "00070-G0001", "00073-G0001"


def query(unit_code, date_from, date_to):
    return load(ReportQuerySchema(), {"unit": unit_code, "from": date_from, "to": date_to})


def part(uow, actor, unit_code="01", period=PERIOD):
    return report.review_report_part(uow(), actor, query(unit_code, *period))


def row(result, code):
    [found] = [r for r in result["by_unit"] if r["unit"]["code"] == code]
    return found


def members_of(figures):
    keys = ("at_start", "at_end", "joined", "left", "party_members", "growth_percent")
    return tuple(figures[key] for key in keys)


def activities_of(figures):
    return {a["kind"]: (a["records"], a["sessions"], a["participants"]) for a in figures}


@pytest.fixture
def hanoi(actor):
    return actor("OFFICER", "01")


@pytest.fixture
def hanoi_admin(actor):
    return actor("ADMIN", "01")


@pytest.fixture
def grassroots(engine, uow, hanoi_admin):
    """G1 under 00070 and G2 under 00073, standing since the 2025 reform as the demo's units do."""
    from contracts.members import CreateUnitSchema
    from members.usecases import units

    for parent in ("00070", "00073"):
        command = CreateUnitSchema().load({"parent_code": parent, "name": "Chi hội Thôn 1", "kind": "VILLAGE"})
        units.create_unit(uow(), hanoi_admin, command)
    with engine.begin() as connection:
        connection.execute(update(Unit).where(Unit.code.in_((G1, G2))).values(valid_from=date(2025, 7, 1)))


@pytest.fixture
def joined(register, hanoi, hanoi_admin):
    def joined(unit_code, on, party_member=None):
        extra = {} if party_member is None else {"party_member": party_member}
        by = hanoi_admin if extra else hanoi
        return uuid.UUID(register(unit_code, by=by, join_date=date.fromisoformat(on), **extra)["id"])

    return joined


@pytest.fixture
def recorded(uow, hanoi):
    def recorded(unit_code, kind, started_on, sessions, participants):
        command = CreateActivitySchema().load(
            {"kind": kind, "title": "Sinh hoạt", "started_on": started_on, "sessions": sessions,
             "participants": participants}
        )  # fmt: skip
        return activities.record_activity(uow(), hanoi, unit_code, command)

    return recorded


@pytest.fixture
def story(uow, hanoi, grassroots, joined, recorded):
    leave = lambda member, on: members.leave_member(uow(), hanoi, member, LeaveMemberSchema().load({"left_on": on}))  # noqa: E731
    joined("00070", "2025-08-01")  # 00070: at start and end
    joined(G1, "2025-11-01", party_member=True)  # 00070: joined, at end, Party member
    leave(joined("00070", "2025-08-01"), "2026-01-15")  # 00070: at start, left
    moved = joined("00070", "2025-08-01")  # 00070 at start; 00073 at end; a transfer joins and leaves nothing
    members.transfer_member(uow(), hanoi, moved, TransferMemberSchema().load(
        {"to_unit_code": "00073", "transferred_on": "2026-02-01"}))  # fmt: skip
    joined(G1, "2026-05-01")  # after the period: nowhere
    leave(joined(G1, "2025-09-01", party_member=True), "2026-03-31")  # 00070: at start, left on the last day
    joined("00073", "2025-09-01", party_member=True)  # 00073: at start and end, Party member
    joined(G2, "2025-10-01")  # 00073: joined on the first day, so not at the start
    back = joined("00073", "2025-08-01")  # 00073: at start, left, rejoined (joins again), at end
    leave(back, "2025-10-15")
    members.rejoin_member(uow(), hanoi, back, RejoinMemberSchema().load(
        {"unit_code": G2, "join_date": "2026-01-10", "consent": {"given": True, "channel": "PAPER_FORM"}}))  # fmt: skip
    recorded("00070", "STUDY_SESSION", "2025-10-05", 3, 120)
    recorded(G1, "STUDY_SESSION", "2025-12-01", 2, 45)
    recorded("00070", "TRAINING_CLASS", "2026-03-31", 1, 80)  # on the last day: in
    recorded("00070", "STUDY_SESSION", "2025-09-30", 5, 500)  # the day before: out
    recorded("00073", "CAMPAIGN", "2026-01-20", 1, 300)
    recorded("00073", "STUDY_SESSION", "2026-04-01", 4, 90)  # the day after: out
    recorded("01", "TRAINING_CLASS", "2026-02-10", 2, 200)  # the province's own: in the total, in no row


def test_each_commune_row_counts_its_members_from_the_membership_history(uow, hanoi, story):
    result = part(uow, hanoi)
    assert members_of(row(result, "00070")["members"]) == (4, 2, 1, 2, 1, -50.0)
    assert members_of(row(result, "00073")["members"]) == (2, 4, 2, 1, 1, 100.0)


def test_the_province_totals_count_joins_and_leaves_but_not_a_transfer_inside_it(uow, hanoi, story):
    assert members_of(part(uow, hanoi)["members"]) == (6, 6, 3, 3, 2, 0.0)


def test_each_commune_row_counts_the_activities_started_in_the_period_with_every_kind(uow, hanoi, story):
    result = part(uow, hanoi)
    assert activities_of(row(result, "00070")["activities"]) == {
        "STUDY_SESSION": (2, 5, 165), "TRAINING_CLASS": (1, 1, 80), "CAMPAIGN": (0, 0, 0), "OTHER": (0, 0, 0),
    }  # fmt: skip
    assert activities_of(row(result, "00073")["activities"]) == {
        "STUDY_SESSION": (0, 0, 0), "TRAINING_CLASS": (0, 0, 0), "CAMPAIGN": (1, 1, 300), "OTHER": (0, 0, 0),
    }  # fmt: skip


def test_the_province_totals_include_the_activities_of_the_province_itself(uow, hanoi, story):
    assert activities_of(part(uow, hanoi)["activities"]) == {
        "STUDY_SESSION": (2, 5, 165), "TRAINING_CLASS": (2, 3, 280), "CAMPAIGN": (1, 1, 300), "OTHER": (0, 0, 0),
    }  # fmt: skip


def test_every_commune_of_the_province_has_a_row_and_one_without_records_has_zeros(uow, hanoi, story):
    result = part(uow, hanoi)
    assert len(result["by_unit"]) == 126  # Hà Nội's communes since the 2025 reform
    quiet = row(result, "00091")
    assert members_of(quiet["members"]) == (0, 0, 0, 0, 0, None)
    assert activities_of(quiet["activities"]) == dict.fromkeys(
        ("STUDY_SESSION", "TRAINING_CLASS", "CAMPAIGN", "OTHER"), (0, 0, 0)
    )


def test_the_commune_totals_agree_with_the_unit_statistics(uow, hanoi, story):
    from contracts.members import StatisticsQuerySchema

    figures = statistics.unit_statistics(uow(), hanoi, "00073", StatisticsQuerySchema().load(
        {"from": PERIOD[0], "to": PERIOD[1]}))  # fmt: skip
    result = part(uow, hanoi, "00073")
    assert members_of(result["members"])[:4] == (
        figures["members_at_start"],
        figures["members_at_end"],
        figures["joined_in_period"],
        figures["left_in_period"],
    )


def test_a_commune_part_has_a_row_per_grassroots_unit_and_counts_its_own_members_in_the_total(uow, hanoi, story):
    result = part(uow, hanoi, "00070")
    assert [r["unit"]["code"] for r in result["by_unit"]] == [G1]
    assert members_of(row(result, G1)["members"]) == (1, 1, 1, 1, 1, 0.0)
    assert members_of(result["members"]) == (4, 2, 1, 2, 1, -50.0)
    assert result["unit"] | {"valid_from": None} == {
        "code": "00070", "name": result["unit"]["name"], "level": "COMMUNE", "path": "/VN/01/00070/",
        "valid_from": None, "valid_to": None,
    }  # fmt: skip


def test_the_part_is_what_the_contract_describes(uow, hanoi, story):
    result = part(uow, hanoi)
    assert MembersReportPartSchema().load(result) is not None
    assert result["unit"]["code"] == "01"


# --- after a merge: 00073 and its grassroots unit G2 go into 00070 on 1 April 2026 ----------------------


def merge_00073_into_00070(engine):
    """What a merge leaves in the database (usecases/reorganisation_*): 00073 closed the day before, G2 moved
    under 00070 with its earlier path kept in org_unit_paths, each open membership ended and restarted at
    the new path on the effective day (reason REORGANISED), members re-pointed. Activities keep their paths."""
    on, last_day = date(2026, 4, 1), date(2026, 3, 31)
    moves = {f"/VN/01/00073/{G2}/": (f"/VN/01/00070/{G2}/", G2), "/VN/01/00073/": ("/VN/01/00070/", "00070")}
    with engine.begin() as connection:
        connection.execute(update(Unit).where(Unit.code == "00073").values(valid_to=last_day))
        connection.execute(insert(UNIT_PATHS).values(
            code=G2, valid_until=last_day, path="/VN/01/00073/00073-G0001/", parent_code="00073"))  # fmt: skip
        connection.execute(update(Unit).where(Unit.code == G2).values(path=moves[f"/VN/01/00073/{G2}/"][0],
                                                                     parent_code="00070"))  # fmt: skip
        open_rows = connection.execute(
            select(Membership).where(Membership.unit_path.like("/VN/01/00073/%"), Membership.ended_on.is_(None))
        ).all()
        for membership in open_rows:
            path, code = moves[membership.unit_path]
            connection.execute(update(Membership).where(Membership.id == membership.id).values(
                ended_on=on, end_reason="REORGANISED"))  # fmt: skip
            connection.execute(insert(Membership).values(
                member_id=membership.member_id, unit_code=code, unit_path=path, started_on=on,
                start_reason="REORGANISED"))  # fmt: skip
            connection.execute(update(Member).where(Member.id == membership.member_id).values(
                unit_code=code, unit_path=path))  # fmt: skip


def test_a_report_for_a_period_before_a_merge_still_shows_the_merged_commune(uow, hanoi, story, engine):
    merge_00073_into_00070(engine)
    result = part(uow, hanoi)
    assert members_of(row(result, "00073")["members"]) == (2, 4, 2, 1, 1, 100.0)
    assert activities_of(row(result, "00073")["activities"])["CAMPAIGN"] == (1, 1, 300)
    assert members_of(row(result, "00070")["members"]) == (4, 2, 1, 2, 1, -50.0)
    assert row(result, "00073")["unit"]["valid_to"] == "2026-03-31"


def test_the_merged_commune_shows_its_moved_grassroots_unit_under_its_old_path(uow, hanoi, story, engine):
    merge_00073_into_00070(engine)
    result = part(uow, hanoi, "00073")
    assert [(r["unit"]["code"], r["unit"]["path"]) for r in result["by_unit"]] == [(G2, f"/VN/01/00073/{G2}/")]
    assert members_of(row(result, G2)["members"])[:4] == (0, 2, 2, 0)


def test_after_a_merge_the_surviving_commune_counts_the_members_that_moved_in_as_neither_joined_nor_left(
    uow, hanoi, story, engine
):
    merge_00073_into_00070(engine)
    result = part(uow, hanoi, period=AFTER_MERGE)
    assert "00073" not in [r["unit"]["code"] for r in result["by_unit"]]
    # On 31 March 00070 had 2 and 00073 had 4, all in 00070 from 1 April, the first day: 6 at the start, not
    # 6 moved in; G1's member who joined on 1 May is the only new one.
    assert members_of(row(result, "00070")["members"]) == (6, 7, 1, 0, 2, 16.67)
    assert activities_of(result["activities"])["STUDY_SESSION"] == (1, 4, 90)  # recorded for 00073 before


def test_a_grassroots_unit_moved_by_a_merge_keeps_its_figures_from_before_in_its_own_part(uow, hanoi, story, engine):
    merge_00073_into_00070(engine)
    result = part(uow, hanoi, G2, ("2025-10-01", "2026-06-30"))
    assert result["unit"]["path"] == f"/VN/01/00070/{G2}/"
    assert members_of(result["members"])[:4] == (0, 2, 2, 0)


# --- scope and validation ---------------------------------------------------------------------------------


def test_a_part_for_a_unit_outside_the_actors_subtree_is_refused(uow, actor, story):
    with pytest.raises(UnitNotFound):
        part(uow, actor("VIEWER", "00070"), "00073")


def test_a_viewer_may_read_the_part_of_its_own_subtree(uow, actor, story):
    assert part(uow, actor("VIEWER", "00070"), "00070")["members"]["at_end"] == 2


@pytest.mark.parametrize(
    ("date_from", "date_to", "field"),
    [("2026-03-31", "2025-10-01", "to"), ("2025-13-01", "2026-03-31", "from"), (None, "2026-03-31", "from")],
)
def test_a_reversed_or_malformed_period_is_refused(date_from, date_to, field):
    with pytest.raises(ValidationFailed) as caught:
        query("01", date_from, date_to)
    assert field in caught.value.fields
