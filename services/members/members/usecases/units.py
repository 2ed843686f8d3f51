"""The org tree: reading units, creating grassroots units, loading the official reference tree."""

from sqlalchemy import select

from contracts.envelope import make_event
from contracts.errors import PermissionDenied, ValidationFailed, field_error
from members import domain, repository
from members.models import Unit
from members.usecases import common


def get_unit(uow, actor, code):
    with uow:
        scope = common.scope_path(uow.session, actor)
        return common.unit_view(common.unit_in_scope(uow.session, code, scope))


def list_units(uow, actor, query):
    with uow:
        scope = common.scope_path(uow.session, actor)
        units, total = repository.list_units(
            uow.session,
            scope,
            query.get("parent_code"),
            query.get("level"),
            common.search_text(query.get("q")),
            query.get("include_closed", False),
            common.today(),
            query["page"],
            query["page_size"],
        )
        return {
            "items": [common.unit_view(u) for u in units],
            "page": query["page"],
            "page_size": query["page_size"],
            "total": total,
        }


def create_unit(uow, actor, command, idempotency_key=None):
    """A grassroots unit under a commune, with a code the platform issues (``<commune>-G<seq>``)."""
    with uow:
        replay = uow.idempotent("create_unit", actor["officer_id"], idempotency_key, command)
        if replay is not None:
            return replay
        if not domain.can_manage_officers(actor["role"]):
            raise PermissionDenied()
        scope = common.scope_path(uow.session, actor)
        common.unit_in_scope(uow.session, command["parent_code"], scope)
        parent = repository.get_unit_for_update(uow.session, command["parent_code"])
        if parent.level != domain.Level.COMMUNE or not common.is_open(parent, common.today()):
            raise ValidationFailed.from_fields(
                {
                    "parent_code": [
                        field_error(
                            "parent_not_commune",
                            "Đơn vị cơ sở phải trực thuộc một xã/phường đang hoạt động.",
                            "A grassroots unit belongs under an open commune or ward.",
                        )
                    ]
                }
            )
        unit = _add_grassroots(uow.session, parent, command)
        uow.emit(unit_created_event(unit))
        result = common.unit_view(unit)
        uow.remember(result)
        uow.commit()
    return result


def unit_created_event(unit):
    return make_event(
        "unit_created",
        {
            "unit_code": unit.code,
            "parent_code": unit.parent_code,
            "unit_path": unit.path,
            "level": unit.level,
            "kind": unit.kind,
            "name": unit.name,
            "valid_from": unit.valid_from,
        },
        "members",
    )


def _add_grassroots(session, parent, command):
    parent.grassroots_issued += 1
    code = domain.grassroots_code(parent.code, parent.grassroots_issued)
    name = domain.normalise_full_name(command["name"])
    unit = Unit(
        code=code,
        name=name,
        name_folded=domain.fold_name(name),
        level=domain.Level.GRASSROOTS,
        kind=command["kind"],
        parent_code=parent.code,
        path=domain.unit_path(parent.path, code),
        valid_from=common.today(),
        term=command.get("term"),
        committees=command.get("committees") or {},
    )
    session.add(unit)
    session.flush()
    return unit


def load_reference_units(session_factory, seeds):
    """Insert the official units that are missing (idempotent); returns how many were added.

    Reference data is loaded at deploy time, not through the API, so it emits no events.
    """
    with session_factory() as session, session.begin():
        known = set(session.execute(select(Unit.code)).scalars())
        paths = dict(session.execute(select(Unit.code, Unit.path)).all())
        added = 0
        for seed in seeds:  # parents come before children in the seed order
            if seed.code in known:
                continue
            path = domain.unit_path(paths.get(seed.parent_code) if seed.parent_code else None, seed.code)
            paths[seed.code] = path
            session.add(
                Unit(
                    code=seed.code,
                    name=seed.name,
                    name_folded=domain.fold_name(seed.name),
                    level=seed.level,
                    kind=seed.kind,
                    parent_code=seed.parent_code,
                    path=path,
                    valid_from=seed.valid_from,
                    valid_to=seed.valid_to,
                    committees={},
                    grassroots_issued=0,
                )
            )
            added += 1
        return added
