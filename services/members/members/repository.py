"""Every query of the members service: the only module that builds ``select()``."""

from datetime import timedelta

from sqlalchemy import String, and_, any_, bindparam, func, literal, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite

from members.models import UNIT_PATHS, Activity, CardCounter, Consent, Member, Membership, Officer, Unit

REORGANISED = "REORGANISED"  # the reason of the memberships a merge or a split ends and starts


def _in_subtree(column, path):
    """A prefix match on a materialised path. Codes never hold LIKE wildcards (their shapes are checked),
    and a literal pattern lets PostgreSQL use the text_pattern_ops index."""
    if "%" in path or "_" in path:
        raise ValueError(f"unit path with a LIKE wildcard: {path!r}")
    return column.like(path + "%")


def _contains(column, text):
    """``column`` contains ``text`` as typed: LIKE wildcards and the escape character in it match literally,
    on both backends (PostgreSQL's LIKE escapes with a backslash by default, SQLite's does not)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def get_unit(session, code):
    return session.get(Unit, code)


def units_by_code(session, codes):
    return {unit.code: unit for unit in session.execute(select(Unit).where(Unit.code.in_(codes))).scalars()}


def get_unit_for_update(session, code):
    return session.execute(select(Unit).where(Unit.code == code).with_for_update()).scalar_one_or_none()


def list_units(session, scope_path, parent_code, level, q_folded, include_closed, today, page, page_size):
    query = select(Unit).where(_in_subtree(Unit.path, scope_path))
    if parent_code:
        query = query.where(Unit.parent_code == parent_code)
    if level:
        query = query.where(Unit.level == level)
    if q_folded:
        query = query.where(_contains(Unit.name_folded, q_folded))
    if not include_closed:
        query = query.where(or_(Unit.valid_to.is_(None), Unit.valid_to >= today))
    return _page(session, query.order_by(Unit.path), page, page_size)


def _page(session, query, page, page_size):
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    items = session.execute(query.limit(page_size).offset((page - 1) * page_size)).scalars().all()
    return items, total


def add(session, *rows):
    session.add_all(rows)


def get_member(session, member_id, scope_path, for_update=False):
    query = select(Member).where(Member.id == member_id, _in_subtree(Member.unit_path, scope_path))
    return session.execute(query.with_for_update() if for_update else query).scalar_one_or_none()


def member_id_by_cccd(session, cccd):
    return session.execute(select(Member.id).where(Member.cccd == cccd)).scalar_one_or_none()


TOTAL_CAP = 10_000  # a page's total is exact up to this many matches; beyond, it says "at least this many"
PER_UNIT_ROWS = 50_000  # a listing merges its page from each unit's first rows while units x depth stays under this


def search_members(session, scope_path, q_folded, cccd, status, page, page_size, total_cap=TOTAL_CAP):
    """(members of the page in name order, total, whether the total was capped at ``total_cap``).

    On PostgreSQL a name or CCCD search collects its matches through their own index (trigram, unique
    CCCD) and counts and sorts them in one statement; a listing merges the page from each unit's first rows.
    Left to itself, the planner walked the whole name index for a LIMIT of matches that sit late in the
    alphabet (8-10 s for some names over a province, and for a commune whose members share a family name).
    """
    conditions = [_in_subtree(Member.unit_path, scope_path)]
    if q_folded:
        conditions.append(_contains(Member.name_folded, q_folded))
    if cccd:
        conditions.append(Member.cccd == cccd)
    if status:
        conditions.append(Member.status == status)
    offset, postgres = (page - 1) * page_size, session.bind.dialect.name == "postgresql"
    if postgres and (q_folded or cccd):
        items, matches = _page_of_few_matches(session, conditions, offset, page_size, total_cap)
        if matches is not None and matches <= total_cap:
            return items, matches, False
    matches = session.execute(
        select(func.count()).select_from(select(literal(1)).where(*conditions).limit(total_cap + 1).subquery())
    ).scalar_one()
    if postgres and (q_folded or cccd) and matches <= total_cap:  # every match was collected: none on this page
        return [], matches, False
    if postgres and not (q_folded or cccd) and _units_in(session, scope_path) * (offset + page_size) <= PER_UNIT_ROWS:
        query = _listing_page(scope_path, status, offset, page_size)
    else:  # SQLite, or many matches: the planner's choice (mostly a walk of the name index)
        query = select(Member).where(*conditions).order_by(Member.name_folded, Member.id)
        query = query.limit(page_size).offset(offset)
    return session.execute(query).scalars().all(), min(matches, total_cap), matches > total_cap


def _page_of_few_matches(session, conditions, offset, size, total_cap):
    """PostgreSQL: (the page, the matches up to ``total_cap + 1``) from the matches collected once,
    counted and sorted; (None, None) when the page is empty (past the end, or no match: counted apart)."""
    matches = select(Member.id, Member.name_folded).where(*conditions).limit(total_cap + 1).cte("matches")
    matches = matches.prefix_with("MATERIALIZED", dialect="postgresql")
    total = select(func.count()).select_from(matches).scalar_subquery()
    page = select(matches.c.id, matches.c.name_folded).order_by(matches.c.name_folded, matches.c.id)
    page = page.limit(size).offset(offset).subquery()
    query = select(Member, total).join(page, Member.id == page.c.id).order_by(page.c.name_folded, page.c.id)
    rows = session.execute(query).all()
    return ([row[0] for row in rows], rows[0][1]) if rows else (None, None)


def _units_in(session, scope_path):
    return session.execute(select(func.count()).where(_in_subtree(Unit.path, scope_path))).scalar_one()


def _listing_page(scope_path, status, offset, size):
    """PostgreSQL: a subtree's members in name order, merged from the first ``offset + size`` of each unit
    (ix_members_path_name gives them in order): about 3 ms for a province of 127 units, where sorting it is
    1.75 M rows. Every member's unit_path is the path of its unit (registration, transfer and reorganisation
    set both)."""
    units = select(Unit.path).where(_in_subtree(Unit.path, scope_path)).distinct().subquery()
    first = select(Member.id, Member.name_folded).where(Member.unit_path == units.c.path)
    if status:
        first = first.where(Member.status == status)
    first = first.order_by(Member.name_folded, Member.id).limit(offset + size).lateral()
    candidates = select(first.c.id, first.c.name_folded).select_from(units).join(first, true())
    page = candidates.order_by(first.c.name_folded, first.c.id).limit(size).offset(offset).subquery()
    return select(Member).join(page, Member.id == page.c.id).order_by(page.c.name_folded, page.c.id)


def memberships_of(session, member_id):
    return session.execute(
        select(Membership, Unit.name)
        .join(Unit, Unit.code == Membership.unit_code)
        .where(Membership.member_id == member_id)
        .order_by(Membership.started_on, Membership.id)
    ).all()


def open_membership(session, member_id):
    return session.execute(
        select(Membership).where(Membership.member_id == member_id, Membership.ended_on.is_(None))
    ).scalar_one_or_none()


def latest_consent(session, member_id, purpose="MEMBERSHIP"):
    return session.execute(
        select(Consent)
        .where(Consent.member_id == member_id, Consent.purpose == purpose)
        .order_by(Consent.given_at.desc(), Consent.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def unit_names(session, codes):
    rows = session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(set(codes)))).all()
    return dict(rows)


def existing_cccds(session, cccds):
    if session.bind.dialect.name == "postgresql":  # one array parameter, not one bind per CCCD (bulk imports)
        matches = Member.cccd == any_(bindparam("cccds", list(cccds), type_=postgresql.ARRAY(String)))
    else:
        matches = Member.cccd.in_(cccds)
    return set(session.execute(select(Member.cccd).where(matches)).scalars())


def take_card_seqs(session, province_code, year, count):
    """Reserve ``count`` card numbers of a province and year; returns the first. One statement creates the
    counter or moves it on (an upsert, without a race on the first one), and its row lock serialises the
    concurrent takers until they commit."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    last = session.execute(
        dialect.insert(CardCounter)
        .values(province_code=province_code, year=year, last=count)
        .on_conflict_do_update(
            index_elements=[CardCounter.province_code, CardCounter.year], set_={"last": CardCounter.last + count}
        )
        .returning(CardCounter.last)
    ).scalar_one()
    return last - count + 1


def _open_on(day):
    """A membership open on ``day``: started on or before, not ended by then."""
    return and_(Membership.started_on <= day, or_(Membership.ended_on.is_(None), Membership.ended_on > day))


def _at_start_of(date_from):
    """A membership held when a period opens: open at the end of the day before (a member who joins on the first
    day is new, one who leaves that day has left in the period), except that a reorganisation effective on
    the first day is in force for the whole period: its members count at the start under their new unit."""
    # Open the day before and not ended on the first day by a reorganisation (NULLs spelled out: NOT of a NULL
    # comparison would drop the open memberships).
    not_reorganised_that_day = or_(
        Membership.ended_on.is_(None), Membership.ended_on > date_from, Membership.end_reason != REORGANISED
    )
    return or_(
        and_(_open_on(date_from - timedelta(days=1)), not_reorganised_that_day),
        and_(Membership.started_on == date_from, Membership.start_reason == REORGANISED),
    )


def _joined_in(date_from, date_to):
    """Joined (or rejoined) the association in the period; a transfer or a move of units is not joining."""
    return and_(Membership.start_reason.in_(("JOINED", "REJOINED")), Membership.started_on.between(date_from, date_to))


def _left_in(date_from, date_to):
    return and_(Membership.end_reason == "LEFT", Membership.ended_on.between(date_from, date_to))


def _count_memberships(session, scope_path, condition):
    query = select(func.count()).select_from(Membership)
    return session.execute(query.where(_in_subtree(Membership.unit_path, scope_path), condition)).scalar_one()


def members_in_subtree_on(session, scope_path, day):
    """Memberships open in the subtree on ``day`` (started on or before, not ended by then)."""
    return _count_memberships(session, scope_path, _open_on(day))


def members_in_subtree_at_start(session, scope_path, date_from):
    """Memberships held in the subtree when a period starting on ``date_from`` opens (``_at_start_of``)."""
    return _count_memberships(session, scope_path, _at_start_of(date_from))


def membership_events_in_period(session, scope_path, date_from, date_to):
    """(joined, left) in the subtree in the period: members who joined (or rejoined) the association and
    members who left it; transfers are neither."""
    joined = _count_memberships(session, scope_path, _joined_in(date_from, date_to))
    left = _count_memberships(session, scope_path, _left_in(date_from, date_to))
    return joined, left


def active_members_in_subtree(session, scope_path):
    return session.execute(
        select(func.count())
        .select_from(Member)
        .where(and_(_in_subtree(Member.unit_path, scope_path), Member.status == "ACTIVE"))
    ).scalar_one()


def officer_by_username(session, username):
    return session.execute(select(Officer).where(Officer.username == username)).scalar_one_or_none()


def list_officers(session, scope_path):
    return (
        session.execute(
            select(Officer)
            .join(Unit, Unit.code == Officer.unit_code)
            .where(_in_subtree(Unit.path, scope_path))
            .order_by(Officer.username)
        )
        .scalars()
        .all()
    )


def active_officers_of_units(session, codes):
    return (
        session.execute(select(Officer).where(Officer.unit_code.in_(set(codes)), Officer.active.is_(True)))
        .scalars()
        .all()
    )


# --- activities and the review report (issue 11) ---------------------------------------------------------
# The report's figures come grouped by the path a row was recorded under, one query per figure for a whole
# subtree (usecases/report.py gives each path to the unit it was under in the period): a province has about
# a hundred communes, and one query per commune would be a hundred round trips per figure.


def _under_any(column, prefixes):
    return or_(*(_in_subtree(column, prefix) for prefix in prefixes))


def memberships_open_by_path(session, prefixes, day):
    """{membership unit_path: members} of memberships open on ``day`` under any of ``prefixes``."""
    return _memberships_by_path(session, prefixes, _open_on(day))


def memberships_at_start_by_path(session, prefixes, date_from):
    """{membership unit_path: members} held when a period starting on ``date_from`` opens (``_at_start_of``)."""
    return _memberships_by_path(session, prefixes, _at_start_of(date_from))


def joined_by_path(session, prefixes, date_from, date_to):
    return _memberships_by_path(session, prefixes, _joined_in(date_from, date_to))


def left_by_path(session, prefixes, date_from, date_to):
    return _memberships_by_path(session, prefixes, _left_in(date_from, date_to))


def party_members_by_path(session, prefixes, day):
    """{membership unit_path: members} open on ``day`` who are recorded as Party members: counts only."""
    query = select(Membership.unit_path, func.count()).join(Member, Member.id == Membership.member_id)
    query = query.where(_under_any(Membership.unit_path, prefixes), _open_on(day), Member.party_member.is_(True))
    return dict(session.execute(query.group_by(Membership.unit_path)).all())


def _memberships_by_path(session, prefixes, condition):
    query = select(Membership.unit_path, func.count()).where(_under_any(Membership.unit_path, prefixes), condition)
    return dict(session.execute(query.group_by(Membership.unit_path)).all())


def activity_figures_by_path(session, prefixes, date_from, date_to):
    """(unit_path, kind, records, sessions, participants) of the activities started in the period."""
    query = select(
        Activity.unit_path,
        Activity.kind,
        func.count(),
        func.coalesce(func.sum(Activity.sessions), 0),
        func.coalesce(func.sum(Activity.participants), 0),
    ).where(_under_any(Activity.unit_path, prefixes), Activity.started_on.between(date_from, date_to))
    return session.execute(query.group_by(Activity.unit_path, Activity.kind)).all()


def earlier_paths(session, codes):
    """{code: [(valid_until, path)]} of the units' earlier paths (org_unit_paths), oldest first."""
    query = select(UNIT_PATHS.c.code, UNIT_PATHS.c.valid_until, UNIT_PATHS.c.path).where(UNIT_PATHS.c.code.in_(codes))
    paths = {}
    for code, valid_until, path in session.execute(query.order_by(UNIT_PATHS.c.code, UNIT_PATHS.c.valid_until)):
        paths.setdefault(code, []).append((valid_until, path))
    return paths


def _activity_in(path):
    """An activity recorded under ``path``'s subtree, or of a unit that is in it now (a unit moved by a
    reorganisation still lists the activities recorded under its earlier path)."""
    return or_(_in_subtree(Activity.unit_path, path), _in_subtree(Unit.path, path))


def get_activity(session, activity_id, scope_path, for_update=False):
    query = select(Activity, Unit.name).join(Unit, Unit.code == Activity.unit_code)
    query = query.where(Activity.id == activity_id, _activity_in(scope_path))
    return session.execute(query.with_for_update(of=Activity) if for_update else query).one_or_none()


def list_activities(session, path, date_from, date_to, kind, page, page_size):
    """(activity, unit name) pairs of the subtree overlapping the period, newest first, and the total."""
    query = select(Activity, Unit.name).join(Unit, Unit.code == Activity.unit_code).where(_activity_in(path))
    if date_from:
        query = query.where(Activity.ended_on >= date_from)
    if date_to:
        query = query.where(Activity.started_on <= date_to)
    if kind:
        query = query.where(Activity.kind == kind)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    query = query.order_by(Activity.started_on.desc(), Activity.created_at.desc(), Activity.id)
    return session.execute(query.limit(page_size).offset((page - 1) * page_size)).all(), total
