"""The set-based statements of a reorganisation: members, memberships, officers and clients move in a few
statements per unit, never in a Python loop per member (a commune can hold tens of thousands of members).

History is kept the way a transfer keeps it: the open membership in the old unit (or at the old path) ends on
the effective date and one in the new unit starts that day, both with the reason ``REORGANISED``, so that
statistics for a period before the change still count the member under the old unit and path. A membership
that starts on or after the effective date never belonged to the old unit as it stood: it is re-pointed.
"""

from sqlalchemy import Date, String, func, insert, literal, select, update

from members.models import ApiClient, Member, Membership, Officer, Unit
from members.repository import REORGANISED

REASON = REORGANISED
CHUNK = 500  # ids per IN list: well under SQLite's and PostgreSQL's limits on bound parameters

_NO_SYNC = {"synchronize_session": False}


def _chunks(ids):
    ids = list(ids)
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _update(session, model, conditions, values):
    return session.execute(update(model).where(*conditions).values(**values).execution_options(**_NO_SYNC)).rowcount


def _restart_memberships(session, conditions, unit_code, unit_path, on):
    """Open memberships matching ``conditions`` end on ``on``; each member's next starts that day in
    ``unit_code`` (or, when None, the same unit) at ``unit_path`` (a literal, or an expression of the old row)."""
    open_before = [*conditions, Membership.ended_on.is_(None), Membership.started_on < on]
    code = literal(unit_code, String) if unit_code else Membership.unit_code
    session.execute(
        insert(Membership).from_select(
            ["member_id", "unit_code", "unit_path", "started_on", "start_reason"],
            select(Membership.member_id, code, unit_path, literal(on, Date), literal(REASON, String)).where(
                *open_before
            ),
        )
    )
    _update(session, Membership, open_before, {"ended_on": on, "end_reason": REASON})
    opened_after = [*conditions, Membership.ended_on.is_(None), Membership.started_on >= on]
    repointed = {"unit_path": unit_path}
    if unit_code:
        repointed["unit_code"] = unit_code
    _update(session, Membership, opened_after, repointed)


def move_members(session, unit, to_code, to_path, on, now, member_ids=None):
    """The members of ``unit`` (all of them, or those of ``member_ids``) belong to ``to_code`` from ``on``.
    Returns how many members moved. Rows are found by path as well as code: the path indexes serve them."""
    moved = 0
    for chunk in _chunks(member_ids) if member_ids is not None else [None]:
        memberships = [Membership.unit_path == unit.path, Membership.unit_code == unit.code]
        members = [Member.unit_path == unit.path, Member.unit_code == unit.code]
        if chunk is not None:
            memberships.append(Membership.member_id.in_(chunk))
            members.append(Member.id.in_(chunk))
        _restart_memberships(session, memberships, to_code, literal(to_path, String), on)
        moved += _update(
            session,
            Member,
            members,
            {"unit_code": to_code, "unit_path": to_path, "version": Member.version + 1, "updated_at": now},
        )
    return moved


def _repathed(column, old_prefix, new_prefix):
    return literal(new_prefix, String).concat(func.substr(column, len(old_prefix) + 1, type_=String))


def repath_subtree(session, old_prefix, new_prefix, on, now):
    """Every unit under ``old_prefix`` now sits under ``new_prefix`` (codes kept): their members' paths and
    open memberships follow. Returns how many members changed path."""
    _restart_memberships(
        session,
        [Membership.unit_path.like(old_prefix + "%")],
        None,
        _repathed(Membership.unit_path, old_prefix, new_prefix),
        on,
    )
    return _update(
        session,
        Member,
        [Member.unit_path.like(old_prefix + "%")],
        {
            "unit_path": _repathed(Member.unit_path, old_prefix, new_prefix),
            "version": Member.version + 1,
            "updated_at": now,
        },
    )


def repoint_accounts(session, from_codes, to_code):
    """Officers and API clients of closed units now act for ``to_code``: (officers, clients) moved."""
    if not from_codes:
        return 0, 0
    officers = _update(session, Officer, [Officer.unit_code.in_(from_codes)], {"unit_code": to_code})
    clients = _update(session, ApiClient, [ApiClient.unit_code.in_(from_codes)], {"unit_code": to_code})
    return officers, clients


# --- what a plan reads ------------------------------------------------------------------------------------


def units_for_update(session, codes):
    """The units of ``codes`` by code, locked until the end of the transaction (PostgreSQL): two identical
    reorganisations queue, and the second finds the first one's record."""
    query = select(Unit).where(Unit.code.in_(set(codes))).order_by(Unit.code).with_for_update()
    return {unit.code: unit for unit in session.execute(query).scalars()}


def descendants(session, unit):
    """Every unit below ``unit`` (any depth, open or closed) as (code, parent_code, path), by path."""
    query = (
        select(Unit.code, Unit.parent_code, Unit.path)
        .where(Unit.path.like(unit.path + "%"), Unit.code != unit.code)
        .order_by(Unit.path)
    )
    return session.execute(query).all()


def children(session, code):
    return session.execute(select(Unit).where(Unit.parent_code == code).order_by(Unit.code)).scalars().all()


def _of_unit(unit):
    return [Member.unit_path == unit.path, Member.unit_code == unit.code]


def member_count(session, unit):
    return session.execute(select(func.count()).select_from(Member).where(*_of_unit(unit))).scalar_one()


def members_of(session, unit):
    """(id, card_number) of every member whose unit is ``unit``."""
    return session.execute(select(Member.id, Member.card_number).where(*_of_unit(unit))).all()


def account_counts(session, codes):
    """(officers, clients) of the units of ``codes``."""
    if not codes:
        return 0, 0
    officers = select(func.count()).select_from(Officer).where(Officer.unit_code.in_(codes))
    clients = select(func.count()).select_from(ApiClient).where(ApiClient.unit_code.in_(codes))
    return session.execute(officers).scalar_one(), session.execute(clients).scalar_one()
