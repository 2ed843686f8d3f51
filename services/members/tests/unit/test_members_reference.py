from collections import Counter

from members.domain import Level, level_of_code
from members.reference import (
    CENTRAL_NAME,
    central_unit,
    commune_units,
    official_units,
    province_units,
)


def test_there_are_34_provinces():
    assert len(province_units()) == 34


def test_there_are_3321_communes():
    assert len(commune_units()) == 3321


def test_hanoi_has_126_communes():
    assert len(commune_units("01")) == 126


def test_a_province_may_be_given_as_a_number():
    assert commune_units(1) == commune_units("01")


def test_official_units_start_with_the_central_association():
    assert next(official_units()) == central_unit()


def test_central_unit_is_named_after_the_central_association():
    assert (central_unit().code, central_unit().name) == ("VN", CENTRAL_NAME)
    assert CENTRAL_NAME == "Trung ương Hội Khuyến học Việt Nam"


def test_official_units_are_the_centre_provinces_and_communes():
    assert len(list(official_units())) == 1 + 34 + 3321


def test_hanoi_is_a_province_under_the_centre_with_its_administrative_name():
    hanoi = province_units()[0]
    assert (hanoi.code, hanoi.name, hanoi.level, hanoi.parent_code) == (
        "01",
        "Thành phố Hà Nội",
        Level.PROVINCE,
        "VN",
    )


def test_a_province_that_is_not_a_city_is_named_tinh():
    assert "Tỉnh Cao Bằng" in {unit.name for unit in province_units()}


def test_hoan_kiem_is_commune_00070_of_hanoi():
    hoan_kiem = next(unit for unit in commune_units("01") if unit.code == "00070")
    assert (hoan_kiem.name, hoan_kiem.level, hoan_kiem.parent_code) == (
        "Phường Hoàn Kiếm",
        Level.COMMUNE,
        "01",
    )


def test_every_commune_sits_under_a_known_province():
    provinces = {unit.code for unit in province_units()}
    assert {unit.parent_code for unit in commune_units()} <= provinces


def test_no_code_is_used_twice():
    counts = Counter(unit.code for unit in official_units())
    assert max(counts.values()) == 1


def test_every_code_has_the_shape_of_its_level():
    assert all(level_of_code(unit.code) == unit.level for unit in official_units())


def test_official_units_are_valid_from_the_reform_and_open():
    assert {(unit.valid_from.isoformat(), unit.valid_to) for unit in official_units()} == {
        ("2025-07-01", None)
    }
