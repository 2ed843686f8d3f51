"""The official units since the 1 July 2025 reform, as seeds for the unit table.

34 provinces (2-digit codes, Decision 19/2025/QĐ-TTg) and 3,321 communes (xã, phường, đặc khu; 5-digit
codes) come from the ``vietnam_provinces`` package through ``servicekit.orgunits``, which the other
services' projections of the tree are seeded from too; the tree is rooted at the central association.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

from members.domain import CENTRAL_CODE, GrassrootsKind, Level
from servicekit import orgunits

REFORM_DATE = orgunits.REFORM_DATE
CENTRAL_NAME = orgunits.CENTRAL_NAME
assert CENTRAL_CODE == orgunits.CENTRAL_CODE


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
    return tuple(_seed(unit) for unit in orgunits.official_provinces())


def commune_units(province_code=None):
    """All communes, or those of one province (``"01"`` or ``1``), ordered by code."""
    if province_code is None:
        return _all_communes()
    parent = orgunits.province_code(province_code)
    return tuple(unit for unit in _all_communes() if unit.parent_code == parent)


@cache
def _all_communes():
    return tuple(_seed(unit) for unit in orgunits.official_communes())


def _seed(unit):
    return UnitSeed(unit.code, unit.name, Level(unit.level), unit.parent_code)
