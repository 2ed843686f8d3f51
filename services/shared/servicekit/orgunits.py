"""The org tree as the services other than members see it: their own projection of the units.

Funds, evaluations and notifications scope every request by org subtree, as the members service does,
without reading its database (ARCHITECTURE.md). Each keeps an ``org_units`` table:

- seeded at migrate time with the official tree, the same reference data the members service loads (the
  central association, the 34 provinces and 3,321 communes since the 1 July 2025 reform, from the
  ``vietnam_provinces`` package): ``load_official(session_factory, table)``;
- fed by ``unit_created`` events for the grassroots units officers create: ``record_unit_created``,
  idempotent (a redelivered event changes nothing).

Paths are materialised as the members service writes them (``/VN/01/00070/``, trailing slash), so a
prefix match selects exactly a subtree. ``scope_path`` and ``unit_in_scope`` answer the two questions of
every scoped use case: where may this actor look, and is this unit inside it (404 when not: a unit out
of scope does not exist for the caller).
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Column, Date, Index, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from contracts.errors import PermissionDenied, UnitNotFound
from servicekit import db

CENTRAL_CODE = "VN"
CENTRAL_NAME = "Trung ương Hội Khuyến học Việt Nam"
REFORM_DATE = date(2025, 7, 1)


@dataclass(frozen=True)
class OfficialUnit:
    code: str
    name: str
    level: str  # CENTRAL, PROVINCE or COMMUNE
    parent_code: str | None


def official_units():
    """Every official unit, parents before children: the centre, the provinces, then the communes."""
    yield OfficialUnit(CENTRAL_CODE, CENTRAL_NAME, "CENTRAL", None)
    yield from official_provinces()
    yield from official_communes()


@cache
def official_provinces():
    from vietnam_provinces import Province, VietNamDivisionType

    def name(province):
        # The package names cities "Thành phố Hà Nội" but provinces only "Cao Bằng"; the administrative
        # name of a province is "Tỉnh Cao Bằng".
        if province.division_type == VietNamDivisionType.TINH and not province.name.startswith("Tỉnh "):
            return f"Tỉnh {province.name}"
        return province.name

    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    return tuple(OfficialUnit(province_code(p.code), name(p), "PROVINCE", CENTRAL_CODE) for p in provinces)


@cache
def official_communes():
    from vietnam_provinces import Ward

    wards = sorted(Ward.iter_all(), key=lambda w: int(w.code))
    return tuple(OfficialUnit(f"{int(w.code):05d}", w.name, "COMMUNE", province_code(w.province_code)) for w in wards)


def province_code(value):
    """``1`` or ``"1"`` or ``"01"`` -> ``"01"``."""
    return f"{int(value):02d}"


def unit_path(parent_path, code):
    """``unit_path("/VN/01/", "00070") == "/VN/01/00070/"``; ``unit_path(None, "VN") == "/VN/"``."""
    if not code or "/" in code:
        raise ValueError(f"invalid unit code {code!r}")
    return f"{parent_path or '/'}{code}/"


def is_in_subtree(path, scope):
    """Whether the unit at ``path`` is the unit at ``scope`` or below it (both with trailing slashes)."""
    if not scope.endswith("/"):
        raise ValueError(f"a scope path ends with a slash: {scope!r}")
    return path.startswith(scope)


def province_of(path):
    """The province code of a path (``"/VN/01/00070/"`` -> ``"01"``); ``None`` for the centre."""
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) > 1 else None


# --- the projection table ------------------------------------------------------------------------------


def define_org_units(metadata):
    """The ``org_units`` table on a service's metadata (its migration creates the same columns)."""
    table = Table(
        "org_units",
        metadata,
        Column("code", String(20), primary_key=True),
        Column("parent_code", String(20)),
        Column("path", String(200), nullable=False, unique=True),
        Column("level", String(12), nullable=False),
        Column("kind", String(20)),
        Column("name", String(200), nullable=False),
        Column("valid_from", Date, nullable=False),
        Column("valid_to", Date),
    )
    # Subtree filters are prefix matches: text_pattern_ops lets PostgreSQL use the index whatever the collation.
    Index("ix_org_units_path_prefix", table.c.path, postgresql_ops={"path": "text_pattern_ops"})
    return table


def org_units_columns():
    """Fresh copies of the columns, for ``op.create_table("org_units", *org_units_columns())`` in a migration."""
    from sqlalchemy import MetaData

    return [column.copy() for column in define_org_units(MetaData()).columns]


def load_official(session_factory, table):
    """Insert the official units that are missing (idempotent); returns how many were added."""
    with session_factory() as session, session.begin():
        paths = dict(session.execute(select(table.c.code, table.c.path)).all())
        rows = []
        for unit in official_units():  # parents first
            if unit.code in paths:
                continue
            paths[unit.code] = unit_path(paths.get(unit.parent_code), unit.code)
            rows.append(
                {
                    "code": unit.code,
                    "parent_code": unit.parent_code,
                    "path": paths[unit.code],
                    "level": unit.level,
                    "kind": None,
                    "name": unit.name,
                    "valid_from": REFORM_DATE,
                    "valid_to": None,
                }
            )
        if rows:
            session.execute(table.insert(), rows)
        return len(rows)


def record_unit_created(session, table, payload):
    """Add the unit of a ``unit_created`` payload, unless it is known (a redelivery changes nothing)."""
    dialect = postgresql if db.is_postgres(session) else sqlite
    statement = (
        dialect.insert(table)
        .values(
            code=payload["unit_code"],
            parent_code=payload["parent_code"],
            path=payload["unit_path"],
            level=payload["level"],
            kind=payload.get("kind"),
            name=payload["name"],
            valid_from=payload["valid_from"],
        )
        .on_conflict_do_nothing()
    )
    return session.execute(statement).rowcount == 1


def handle_unit_created(uow, consumer, table, envelope, payload):
    """The whole handler of ``unit_created`` for a service with a projection: claim, record, commit."""
    with uow:
        if uow.claim(consumer, envelope):
            record_unit_created(uow.session, table, payload)
        uow.commit()


def get_unit(session, table, code):
    return session.execute(select(table).where(table.c.code == code)).first() if code else None


def scope_path(session, table, actor):
    """The path of the actor's unit: everything the actor may see is under it."""
    unit = get_unit(session, table, actor["unit_code"])
    if unit is None:
        raise PermissionDenied("Your account's unit is not known here.", {}, "Đơn vị của tài khoản không tồn tại.")
    return unit.path


def unit_in_scope(session, table, code, scope):
    """The unit ``code`` if it lies in the subtree ``scope``; else ``UnitNotFound`` (404, as if absent)."""
    unit = get_unit(session, table, code)
    if unit is None or not is_in_subtree(unit.path, scope):
        raise UnitNotFound(details={"unit_code": code})
    return unit
