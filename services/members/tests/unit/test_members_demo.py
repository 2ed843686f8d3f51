from collections import Counter
from datetime import UTC

import pytest

from members.demo import DEMO_OFFICERS, DEMO_TODAY, demo_members, demo_units
from members.domain import Level, age_on, validate_member_fields


@pytest.fixture(scope="module")
def members():
    return demo_members()


@pytest.fixture(scope="module")
def units():
    return demo_units()


def test_same_seed_gives_the_same_members(members):
    assert demo_members() == members


def test_another_seed_gives_other_members(members):
    assert demo_members(seed=7)[2:] != members[2:]


def test_there_are_3000_members_by_default(members):
    assert len(members) == 3000


def test_every_demo_member_passes_validation(members):
    fields = ("cccd", "gender", "birth_year", "birth_date", "phone", "email", "full_name")
    invalid = [m for m in members if validate_member_fields(*(m[f] for f in fields), DEMO_TODAY)]
    assert invalid == []


def test_cccd_numbers_are_unique(members):
    assert len({m["cccd"] for m in members}) == len(members)


def test_phone_numbers_are_unique(members):
    assert len({m["phone"] for m in members}) == len(members)


def test_at_least_30_members_belong_to_hoan_kiem_or_its_grassroots_units(members):
    assert sum(m["unit_code"].split("-")[0] == "00070" for m in members) >= 30


def test_every_member_belongs_to_a_demo_commune_or_grassroots_unit(members, units):
    member_units = {u.code for u in units if u.level in (Level.COMMUNE, Level.GRASSROOTS)}
    assert {m["unit_code"] for m in members} <= member_units


def test_readme_members_are_in_their_communes_and_unique_by_name(members):
    names = Counter(m["full_name"] for m in members)
    assert (members[0]["full_name"], members[0]["unit_code"]) == ("Nguyễn Thị Hồng Nhung", "00070")
    assert (members[1]["full_name"], members[1]["unit_code"]) == ("Trần Văn Bình", "00073")
    assert names["Nguyễn Thị Hồng Nhung"] == names["Trần Văn Bình"] == 1


def test_members_joined_in_the_last_five_years(members):
    assert all(DEMO_TODAY.replace(year=2021) <= m["join_date"] <= DEMO_TODAY for m in members)


def test_members_joined_as_adults(members):
    assert all(age_on(m["birth_date"], m["join_date"]) >= 18 for m in members)


def test_every_member_gave_a_timestamped_consent_on_joining(members):
    consents = [m["consent"] for m in members]
    assert all(c["given"] and c["channel"] == "PAPER_FORM" and c["given_at"].tzinfo == UTC for c in consents)


def test_email_addresses_are_on_a_reserved_domain(members):
    emails = [m["email"] for m in members if m["email"]]
    assert emails and all(e.endswith("@example.com") for e in emails)


def test_demo_tree_is_the_centre_hanoi_its_communes_and_three_grassroots_units_each(units):
    levels = Counter(u.level for u in units)
    assert levels == {Level.CENTRAL: 1, Level.PROVINCE: 1, Level.COMMUNE: 126, Level.GRASSROOTS: 378}


def test_demo_units_list_parents_before_children(units):
    seen = set()
    for unit in units:
        assert unit.parent_code is None or unit.parent_code in seen
        seen.add(unit.code)


def test_hoan_kiem_has_a_village_a_school_and_a_clan_unit(units):
    under = [(u.code, u.kind, u.name) for u in units if u.parent_code == "00070"]
    assert [(code, kind) for code, kind, _ in under] == [
        ("00070-G0001", "VILLAGE"),
        ("00070-G0002", "SCHOOL"),
        ("00070-G0003", "CLAN"),
    ]
    assert under[0][2] == "Chi hội khuyến học Tổ dân phố số 1"


def test_demo_officers_sit_on_demo_units(units):
    codes = {u.code for u in units}
    assert all(officer["unit_code"] in codes for officer in DEMO_OFFICERS)


def test_demo_officers_have_the_roles_the_readme_uses():
    roles = {o["username"]: (o["role"], o["unit_code"]) for o in DEMO_OFFICERS}
    assert roles == {
        "demo.central": ("ADMIN", "VN"),
        "demo.province": ("ADMIN", "01"),
        "demo.commune": ("OFFICER", "00070"),
        "demo.grassroots": ("OFFICER", "00070-G0001"),
        "demo.viewer": ("VIEWER", "00070"),
        "demo.chair": ("OFFICER", "00070"),
    }


def test_demo_officers_carry_no_password():
    assert all("password" not in officer for officer in DEMO_OFFICERS)
