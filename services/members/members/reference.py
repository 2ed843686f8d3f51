"""The official units since the 1 July 2025 reform, as seeds for the unit table.

34 provinces (2-digit codes, Decision 19/2025/QĐ-TTg) and 3,321 communes (xã, phường, đặc khu; 5-digit
codes) come from the ``vietnam_provinces`` package; the tree is rooted at the central association.
Lists are built on first use, not at import, and kept: they are immutable reference data.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

from vietnam_provinces import Province, VietNamDivisionType, Ward

from members.domain import CENTRAL_CODE, GrassrootsKind, Level

REFORM_DATE = date(2025, 7, 1)
CENTRAL_NAME = "Trung ương Hội Khuyến học Việt Nam"


@dataclass(frozen=True)
class UnitSeed:
    code: str
    name: str
    level: Level
    parent_code: str | None
    kind: GrassrootsKind | None = None
    valid_from: date = REFORM_DATE
    valid_to: date | None = None


def official_units():
    """Every official unit, parents before children: the centre, the provinces, then the communes."""
    yield central_unit()
    yield from province_units()
    yield from commune_units()


def central_unit():
    return UnitSeed(CENTRAL_CODE, CENTRAL_NAME, Level.CENTRAL, None)


@cache
def province_units():
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    return tuple(UnitSeed(_province_code(p.code), _province_name(p), Level.PROVINCE, CENTRAL_CODE) for p in provinces)


def commune_units(province_code=None):
    """All communes, or those of one province (``"01"`` or ``1``), ordered by code."""
    if province_code is None:
        return _all_communes()
    parent = _province_code(province_code)
    return tuple(unit for unit in _all_communes() if unit.parent_code == parent)


@cache
def _all_communes():
    wards = sorted(Ward.iter_all(), key=lambda w: int(w.code))
    return tuple(UnitSeed(f"{int(w.code):05d}", w.name, Level.COMMUNE, _province_code(w.province_code)) for w in wards)


def _province_code(value):
    return f"{int(value):02d}"


def _province_name(province):
    # The package names cities "Thành phố Hà Nội" but provinces only "Cao Bằng"; the administrative name
    # of a province is "Tỉnh Cao Bằng".
    if province.division_type == VietNamDivisionType.TINH and not province.name.startswith("Tỉnh "):
        return f"Tỉnh {province.name}"
    return province.name
