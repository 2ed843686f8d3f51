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


# --- reorganisation: merges and splits (issue 11) ---------------------------------------------------------
# A merge or split closes units and moves others to a new path. The projection follows it, and keeps each
# path a unit had before in ``org_unit_paths`` (valid until the day before the change), so a report for a
# period before the change finds the tree as it stood then: a grassroots unit counted under its old commune.


def define_org_unit_paths(metadata):
    """The ``org_unit_paths`` history table: a unit's earlier path and parent, and the last day they held."""
    table = Table(
        "org_unit_paths",
        metadata,
        Column("code", String(20), primary_key=True),
        Column("valid_until", Date, primary_key=True),
        Column("path", String(200), nullable=False),
        Column("parent_code", String(20)),
    )
    Index("ix_org_unit_paths_path_prefix", table.c.path, postgresql_ops={"path": "text_pattern_ops"})
    return table


def org_unit_paths_columns():
    """Fresh copies of the columns, for ``op.create_table("org_unit_paths", *org_unit_paths_columns())``."""
    from sqlalchemy import MetaData

    return [column.copy() for column in define_org_unit_paths(MetaData()).columns]


def create_org_unit_paths(op):
    """In a migration's ``upgrade()``: the history table and its prefix index."""
    op.create_table("org_unit_paths", *org_unit_paths_columns())
    op.create_index(
        "ix_org_unit_paths_path_prefix", "org_unit_paths", ["path"], postgresql_ops={"path": "text_pattern_ops"}
    )


def drop_org_unit_paths(op):
    """In a migration's ``downgrade()``."""
    op.drop_index("ix_org_unit_paths_path_prefix", table_name="org_unit_paths")
    op.drop_table("org_unit_paths")


def apply_reorganisation(session, table, paths_table, event_type, payload):
    """Follow a ``units_merged`` or ``unit_split`` payload (as ``load_event`` gives it: dates are dates).
    Idempotent: a unit already closed or already on its new path is left alone. Returns the codes changed."""
    from datetime import timedelta

    from sqlalchemy import update

    effective_on = payload["effective_on"]
    last_day = effective_on - timedelta(days=1)
    changed = []
    if event_type == "unit_split":
        for target in payload["targets"]:
            if get_unit(session, table, target["unit_code"]) is None:
                record_unit_created(
                    session,
                    table,
                    {
                        "unit_code": target["unit_code"],
                        "parent_code": target["parent_code"],
                        "unit_path": target["unit_path"],
                        "level": target["level"],
                        "kind": target.get("kind"),
                        "name": target["name"],
                        "valid_from": target["valid_from"],
                    },
                )
                changed.append(target["unit_code"])
        closing = [payload["source_code"]] if payload["source_closed"] else []
    else:
        closing = [unit["unit_code"] for unit in payload["merged"]]
    for code in closing:
        result = session.execute(
            update(table).where(table.c.code == code, table.c.valid_to.is_(None)).values(valid_to=last_day)
        )
        if result.rowcount:
            changed.append(code)
    for moved in payload.get("moved_units") or ():
        unit = get_unit(session, table, moved["unit_code"])
        if unit is None or unit.path == moved["to_path"]:
            continue
        dialect = postgresql if db.is_postgres(session) else sqlite
        session.execute(
            dialect.insert(paths_table)
            .values(code=unit.code, valid_until=last_day, path=unit.path, parent_code=unit.parent_code)
            .on_conflict_do_nothing()
        )
        session.execute(
            update(table)
            .where(table.c.code == unit.code)
            .values(path=moved["to_path"], parent_code=moved["parent_code"])
        )
        changed.append(unit.code)
    return changed


def tree_as_of(session, table, paths_table, day):
    """Every unit as the tree stood on ``day``: ``{code: (path, parent_code)}``. A unit's path on a day is
    the earliest history row still valid then, else its current one."""
    tree = {
        row.code: (row.path, row.parent_code)
        for row in session.execute(select(table.c.code, table.c.path, table.c.parent_code))
    }
    history = session.execute(
        select(paths_table.c.code, paths_table.c.path, paths_table.c.parent_code)
        .where(paths_table.c.valid_until >= day)
        .order_by(paths_table.c.valid_until.desc())
    )
    for row in history:  # latest first, so the earliest row valid on ``day`` is written last and wins
        tree[row.code] = (row.path, row.parent_code)
    return tree


def children_in_period(session, table, paths_table, parent_code, date_from, date_to):
    """The units that were direct children of ``parent_code`` on some day of the period, with the path each
    had then (on ``date_to``, or on its last day if it closed within the period): rows of a report."""
    # candidates: children now, and units that were children under an earlier path
    earlier = select(paths_table.c.code).where(paths_table.c.parent_code == parent_code)
    rows = session.execute(
        select(table).where(
            (table.c.parent_code == parent_code) | table.c.code.in_(earlier),
            table.c.valid_from <= date_to,
            (table.c.valid_to.is_(None)) | (table.c.valid_to >= date_from),
        )
    ).all()
    trees = {date_to: tree_as_of(session, table, paths_table, date_to)}  # units closed on one day share a tree
    children = []
    for row in rows:
        day = min(date_to, row.valid_to) if row.valid_to else date_to
        if day not in trees:
            trees[day] = tree_as_of(session, table, paths_table, day)
        path, parent = trees[day][row.code]
        if parent == parent_code:
            children.append(
                {
                    "code": row.code,
                    "name": row.name,
                    "level": row.level,
                    "path": path,
                    "valid_from": row.valid_from,
                    "valid_to": row.valid_to,
                }
            )
    return sorted(children, key=lambda unit: unit["code"])
