"""Pages of a member listing or search: name order across units, a capped total, the shapes PostgreSQL runs
(a listing merged from each unit's first rows, a search collected through its own index) giving what the
plain ordered query gives."""

import uuid

import pytest

from contracts.members import LeaveMemberSchema, TransferMemberSchema
from members import repository
from members.domain import fold_name
from members.usecases import members

NAMES = ["Vũ Văn An", "Bùi Thị Hoa", "Nguyễn Văn Bình", "Đặng Văn Chi", "Lê Thị Mai", "Bùi Văn Long", "Hồ Văn Nam"]


@pytest.fixture
def hanoi(actor):
    return actor("OFFICER", "01")


@pytest.fixture
def spread(hanoi, register):
    """NAMES registered alternately in communes 00070 and 00073; their views in name order."""
    views = [register(("00070", "00073")[i % 2], by=hanoi, full_name=name) for i, name in enumerate(NAMES)]
    return sorted(views, key=lambda view: (fold_name(view["full_name"]), view["id"]))


def pages(uow, actor, search_query, size, **fields):
    return [members.search_members(uow(), actor, search_query(page=n, page_size=size, **fields)) for n in (1, 2, 3)]


def test_a_province_listing_pages_through_its_communes_in_name_order(uow, hanoi, spread, search_query):
    found = [item["id"] for page in pages(uow, hanoi, search_query, 3) for item in page["items"]]
    assert found == [view["id"] for view in spread]


def test_a_unit_listing_pages_through_its_own_members_in_name_order(uow, hanoi, spread, search_query):
    found = [item["id"] for page in pages(uow, hanoi, search_query, 2, unit_code="00073") for item in page["items"]]
    assert found == [view["id"] for view in spread if view["unit_code"] == "00073"]


def test_a_small_result_has_an_exact_total_that_is_not_capped(uow, hanoi, spread, search_query):
    page = members.search_members(uow(), hanoi, search_query(q="bui", page_size=1))
    assert (page["total"], page["total_is_capped"], len(page["items"])) == (2, False, 1)


def test_a_name_search_pages_in_name_order(uow, hanoi, spread, search_query):
    found = [item["id"] for page in pages(uow, hanoi, search_query, 2, q="van") for item in page["items"]]
    assert found == [view["id"] for view in spread if " Văn " in view["full_name"]]


def test_a_total_beyond_the_cap_is_the_cap_and_says_so(uow, spread):
    work = uow()
    with work:
        items, total, capped = repository.search_members(work.session, "/VN/01/", None, None, None, 1, 5, total_cap=4)
        found = [member.full_name for member in items]
    assert (found, total, capped) == ([view["full_name"] for view in spread[:5]], 4, True)


def test_a_capped_search_still_pages_in_name_order(uow, spread):
    work = uow()
    with work:
        items, total, capped = repository.search_members(work.session, "/VN/01/", "van", None, None, 2, 2, total_cap=3)
        found = [member.full_name for member in items]
    expected = [view["full_name"] for view in spread if " Văn " in view["full_name"]][2:4]
    assert (found, total, capped) == (expected, 3, True)


def test_a_transferred_member_is_listed_once_under_the_new_unit(uow, hanoi, register, search_query):
    view = register("00070", by=hanoi, full_name="Ngô Văn Tâm")
    command = TransferMemberSchema().load({"to_unit_code": "00073"})
    members.transfer_member(uow(), hanoi, uuid.UUID(view["id"]), command)
    listed = members.search_members(uow(), hanoi, search_query())["items"]
    assert [(item["id"], item["unit_code"]) for item in listed] == [(view["id"], "00073")]
    assert members.search_members(uow(), hanoi, search_query(unit_code="00070"))["items"] == []


def test_a_listing_by_status_keeps_name_order(uow, hanoi, spread, search_query):
    members.leave_member(uow(), hanoi, uuid.UUID(spread[1]["id"]), LeaveMemberSchema().load({}))
    active = members.search_members(uow(), hanoi, search_query(status="ACTIVE", page_size=50))
    assert [item["id"] for item in active["items"]] == [view["id"] for i, view in enumerate(spread) if i != 1]


def test_a_page_past_the_end_of_a_search_is_empty_and_keeps_the_total(uow, hanoi, spread, search_query):
    page = members.search_members(uow(), hanoi, search_query(q="bui", page=3, page_size=2))
    assert (page["items"], page["total"], page["total_is_capped"]) == ([], 2, False)


def test_a_search_that_matches_nothing_counts_nothing(uow, hanoi, spread, search_query):
    page = members.search_members(uow(), hanoi, search_query(q="khong ai ten nay"))
    assert (page["items"], page["total"]) == ([], 0)
