"""Funds: creating them, listing and reading them with their balances."""

from contracts.errors import ValidationFailed, field_error
from funds import repository
from funds.models import ORG_UNITS, Fund
from funds.usecases import common
from servicekit import orgunits


def create_fund(uow, actor, command, idempotency_key=None):
    """A fund of a unit in the actor's subtree. Any OFFICER or ADMIN may create one for their own unit
    or a unit below it, as they may register members there: a commune opens a scholarship fund named
    after a donor without waiting for the province, and a province can open one for a commune."""
    with uow:
        replay = uow.idempotent("create_fund", actor["officer_id"], idempotency_key, command)
        if replay is not None:
            return replay
        common.require_write(actor)
        scope = common.scope_path(uow.session, actor)
        unit = orgunits.unit_in_scope(uow.session, ORG_UNITS, command["unit_code"], scope)
        if unit.valid_to is not None and unit.valid_to < common.today():
            raise ValidationFailed.from_fields(
                {"unit_code": [field_error("unit_closed", "Đơn vị này đã giải thể.", "This unit is closed.")]}
            )
        fund = Fund(
            unit_code=unit.code,
            unit_path=unit.path,
            name=command["name"].strip(),
            kind=command["kind"],
            donor_name=command.get("donor_name"),
            description=command.get("description"),
            created_by=actor["officer_id"],
            created_at=common.now(),
        )
        repository.add(uow.session, fund)
        result = common.fund_view(fund, {}, unit.name)
        uow.remember(result)
        uow.commit()
    return result


def get_fund(uow, actor, fund_id):
    with uow:
        fund = common.fund_in_scope(uow.session, actor, fund_id)
        states = repository.account_states(uow.session, [fund.id])
        names = repository.unit_names(uow.session, [fund.unit_code])
        return common.fund_view(fund, states, names.get(fund.unit_code))


def list_funds(uow, actor, query):
    with uow:
        scope = common.scope_path(uow.session, actor)
        if query.get("unit_code"):
            scope = orgunits.unit_in_scope(uow.session, ORG_UNITS, query["unit_code"], scope).path
        funds, total = repository.list_funds(
            uow.session, scope, query.get("kind"), query.get("include_closed", False), query["page"], query["page_size"]
        )
        states = repository.account_states(uow.session, [f.id for f in funds])
        names = repository.unit_names(uow.session, [f.unit_code for f in funds])
        return {
            "items": [common.fund_view(f, states, names.get(f.unit_code)) for f in funds],
            "page": query["page"],
            "page_size": query["page_size"],
            "total": total,
        }
