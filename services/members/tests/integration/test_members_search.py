import uuid

import pytest

from contracts.errors import MemberNotFound, UnitNotFound
from contracts.members import LeaveMemberSchema
from members.usecases import members


def names(page):
    return sorted(item["full_name"] for item in page["items"])


@pytest.fixture
def hanoi(actor):
    """An officer of Hà Nội (province 01): communes 00070 and 00073 are both in its subtree."""
    return actor("OFFICER", "01")


def test_a_name_is_found_without_diacritics_or_case(uow, officer, register, search_query):
    register(full_name="Nguyễn Văn Án")
    register(full_name="Trần Văn Bình")
    assert names(members.search_members(uow(), officer, search_query(q="nguyen van an"))) == ["Nguyễn Văn Án"]


def test_a_name_with_d_stroke_is_found_by_a_plain_d_in_capitals(uow, officer, register, search_query):
    register(full_name="Đặng Thị Hoa", gender="FEMALE")
    register(full_name="Nguyễn Thị Đào", gender="FEMALE")
    assert names(members.search_members(uow(), officer, search_query(q="DANG THI"))) == ["Đặng Thị Hoa"]


def test_a_name_typed_with_diacritics_finds_the_name_stored_with_them(uow, officer, register, search_query):
    register(full_name="Phạm Thị Thu Hương", gender="FEMALE")
    assert names(members.search_members(uow(), officer, search_query(q="Thu Hương"))) == ["Phạm Thị Thu Hương"]


def test_a_search_only_finds_members_in_the_officers_subtree(uow, actor, hanoi, register, search_query):
    register("00070", by=hanoi, full_name="Nguyễn Văn An")
    register("00073", by=hanoi, full_name="Nguyễn Văn Ba")
    page = members.search_members(uow(), actor("VIEWER", "00070"), search_query(q="nguyen"))
    assert (names(page), page["total"]) == (["Nguyễn Văn An"], 1)


def test_a_search_of_the_province_finds_members_of_its_communes(uow, hanoi, register, search_query):
    register("00070", by=hanoi, full_name="Nguyễn Văn An")
    register("00073", by=hanoi, full_name="Nguyễn Văn Ba")
    page = members.search_members(uow(), hanoi, search_query(q="nguyen"))
    assert names(page) == ["Nguyễn Văn An", "Nguyễn Văn Ba"]


def test_a_search_in_a_unit_outside_the_subtree_is_refused(uow, officer, search_query):
    with pytest.raises(UnitNotFound):
        members.search_members(uow(), officer, search_query(unit_code="00073"))


def test_a_search_pages_through_results_and_counts_them_all(uow, officer, register, search_query):
    for name in ("Lê Văn An", "Lê Văn Bình", "Lê Văn Cường"):
        register(full_name=name)
    first = members.search_members(uow(), officer, search_query(q="le van", page=1, page_size=2))
    second = members.search_members(uow(), officer, search_query(q="le van", page=2, page_size=2))
    assert (first["total"], len(first["items"]), second["total"]) == (3, 2, 3)
    assert names(first) + names(second) == ["Lê Văn An", "Lê Văn Bình", "Lê Văn Cường"]


def test_a_search_by_cccd_finds_exactly_that_member(uow, officer, register, registration, search_query):
    command = registration(full_name="Vũ Văn Đức")
    members.register_member(uow(), officer, command)
    register(full_name="Vũ Văn Em")
    assert names(members.search_members(uow(), officer, search_query(cccd=command["cccd"]))) == ["Vũ Văn Đức"]
    neighbour = command["cccd"][:-1] + str((int(command["cccd"][-1]) + 5) % 10)
    assert members.search_members(uow(), officer, search_query(cccd=neighbour))["total"] == 0


@pytest.mark.parametrize("typed", ["%", "_", "Nguy%n", "Ng_yen", "nguy\\en", "\\"])
def test_like_wildcards_typed_by_a_user_match_nothing_special(uow, officer, register, search_query, typed):
    register(full_name="Nguyễn Văn An")
    assert members.search_members(uow(), officer, search_query(q=typed))["total"] == 0


def test_a_member_outside_the_subtree_is_not_found(uow, actor, register):
    view = register("00070")
    with pytest.raises(MemberNotFound):
        members.get_member(uow(), actor("ADMIN", "00073"), uuid.UUID(view["id"]))


def test_an_unknown_member_is_not_found(uow, officer):
    with pytest.raises(MemberNotFound):
        members.get_member(uow(), officer, uuid.uuid4())


def test_a_member_in_the_subtree_is_shown_with_its_history(uow, actor, register):
    view = register("00070", full_name="Nguyễn Văn An")
    shown = members.get_member(uow(), actor("VIEWER", "01"), uuid.UUID(view["id"]))
    assert (shown["id"], shown["full_name"], shown["unit_name"]) == (view["id"], "Nguyễn Văn An", "Phường Hoàn Kiếm")
    assert shown["history"] == [{
        "unit_code": "00070", "unit_name": "Phường Hoàn Kiếm", "started_on": view["join_date"],
        "ended_on": None, "end_reason": None,
    }]


def test_a_search_narrowed_to_a_unit_finds_only_its_members(uow, hanoi, register, search_query):
    register("00070", by=hanoi, full_name="Nguyễn Văn An")
    register("00073", by=hanoi, full_name="Nguyễn Văn Ba")
    page = members.search_members(uow(), hanoi, search_query(q="nguyen", unit_code="00073"))
    assert names(page) == ["Nguyễn Văn Ba"]


def test_a_search_by_status_leaves_out_members_who_left(uow, officer, register, search_query):
    register(full_name="Nguyễn Văn An")
    gone = register(full_name="Nguyễn Văn Ba")
    members.leave_member(uow(), officer, uuid.UUID(gone["id"]), LeaveMemberSchema().load({}))
    assert names(members.search_members(uow(), officer, search_query(status="ACTIVE"))) == ["Nguyễn Văn An"]
