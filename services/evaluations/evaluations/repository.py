"""Every query of the evaluations service: the only module that builds ``select()``."""

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from evaluations.models import ORG_UNITS, Campaign, Evaluation, MemberUnit, RecordUnitHistory
from servicekit import db


def _in_subtree(column, path):
    """A prefix match on a materialised path (codes never hold LIKE wildcards; refused if they did)."""
    if "%" in path or "_" in path:
        raise ValueError(f"unit path with a LIKE wildcard: {path!r}")
    return column.like(path + "%")


def add(session, *rows):
    session.add_all(rows)


# --- member units ---------------------------------------------------------------------------------------


def record_member_unit(session, member_id, unit_code, unit_path, status, member_version):
    """Insert or update the member's row, only with a newer ``member_version`` than the one held: an older
    event arriving after a newer one changes nothing. Returns True when the row changed."""
    dialect = postgresql if db.is_postgres(session) else sqlite
    values = {"unit_code": unit_code, "unit_path": unit_path, "status": status, "member_version": member_version}
    statement = dialect.insert(MemberUnit).values(member_id=member_id, **values)
    statement = statement.on_conflict_do_update(
        index_elements=[MemberUnit.member_id],
        set_=values,
        where=MemberUnit.member_version < statement.excluded.member_version,
    )
    return session.execute(statement).rowcount == 1


def get_member_unit(session, member_id):
    return session.get(MemberUnit, member_id)


def active_members(session, path):
    """Ids of the ACTIVE members of the subtree ``path`` (a select, for use inside other queries)."""
    return select(MemberUnit.member_id).where(_in_subtree(MemberUnit.unit_path, path), MemberUnit.status == "ACTIVE")


def count_active_members(session, path):
    return session.execute(select(func.count()).select_from(active_members(session, path).subquery())).scalar_one()


def count_recognised_among(session, path, title_type, year):
    """Active members of the subtree recognised with ``title_type`` in ``year``."""
    return session.execute(
        select(func.count())
        .select_from(Evaluation)
        .where(
            Evaluation.title_type == title_type,
            Evaluation.year == year,
            Evaluation.outcome == "RECOGNISED",
            Evaluation.subject_kind == "PERSON",
            Evaluation.member_id.in_(active_members(session, path)),
        )
    ).scalar_one()


def active_member_ids(session, path, limit):
    return list(
        session.execute(active_members(session, path).order_by(MemberUnit.member_id).limit(limit)).scalars()
    )


# --- org units ------------------------------------------------------------------------------------------


def count_units(session, path, kinds):
    """Grassroots units of these kinds in the subtree (the population of unit titles)."""
    return session.execute(
        select(func.count())
        .select_from(ORG_UNITS)
        .where(_in_subtree(ORG_UNITS.c.path, path), ORG_UNITS.c.level == "GRASSROOTS", ORG_UNITS.c.kind.in_(kinds))
    ).scalar_one()


def ancestors_paths(path):
    """``/VN/01/00070/`` -> ``["/VN/", "/VN/01/", "/VN/01/00070/"]``."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


# --- campaigns ------------------------------------------------------------------------------------------


def get_campaign(session, campaign_id):
    return session.get(Campaign, campaign_id)


def campaign_of(session, unit_code, year):
    return session.execute(
        select(Campaign).where(Campaign.unit_code == unit_code, Campaign.year == year)
    ).scalar_one_or_none()


def nearest_campaign(session, unit_path, year):
    """The campaign of ``year`` opened at the unit or at its nearest ancestor."""
    return session.execute(
        select(Campaign)
        .where(Campaign.unit_path.in_(ancestors_paths(unit_path)), Campaign.year == year)
        .order_by(func.length(Campaign.unit_path).desc())
        .limit(1)
    ).scalar_one_or_none()


def list_campaigns(session, path, year):
    query = select(Campaign).where(_in_subtree(Campaign.unit_path, path))
    if year is not None:
        query = query.where(Campaign.year == year)
    return session.execute(query.order_by(Campaign.year.desc(), Campaign.unit_path)).scalars().all()


def campaigns_with_deadlines_between(session, first, last):
    """Campaigns with a dossier or recognition deadline in [first, last]."""
    columns = (Campaign.dossier_before, Campaign.community_dossier_before, Campaign.recognition_by)
    return session.execute(
        select(Campaign).where(or_(*(column.between(first, last) for column in columns))).order_by(Campaign.unit_path)
    ).scalars().all()


# --- evaluations ----------------------------------------------------------------------------------------


def get_evaluation(session, evaluation_id, path=None, for_update=False):
    query = select(Evaluation).where(Evaluation.id == evaluation_id)
    if path is not None:
        query = query.where(_in_subtree(Evaluation.unit_path, path))
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def evaluation_by_subject(session, subject_key, title_type, year):
    return session.execute(
        select(Evaluation.id).where(
            Evaluation.subject_key == subject_key, Evaluation.title_type == title_type, Evaluation.year == year
        )
    ).scalar_one_or_none()


def search_evaluations(session, path, year, title_type, status, member_id, page, page_size):
    query = select(Evaluation).where(_in_subtree(Evaluation.unit_path, path))
    for column, value in (
        (Evaluation.year, year),
        (Evaluation.title_type, title_type),
        (Evaluation.status, status),
        (Evaluation.member_id, member_id),
    ):
        if value is not None:
            query = query.where(column == value)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    items = session.execute(
        query.order_by(Evaluation.registered_at.desc(), Evaluation.id).limit(page_size).offset((page - 1) * page_size)
    ).scalars().all()
    return items, total


def status_counts(session, path, year):
    """``{(title_type, status): count}`` for the subtree and year."""
    rows = session.execute(
        select(Evaluation.title_type, Evaluation.status, func.count())
        .where(_in_subtree(Evaluation.unit_path, path), Evaluation.year == year)
        .group_by(Evaluation.title_type, Evaluation.status)
    ).all()
    return {(title, status): count for title, status, count in rows}


# --- reorganisation: records re-pointed from closed units, and where they were before -------------------

_RECORDS = {
    "evaluation": (Evaluation, Evaluation.id),
    "member": (MemberUnit, MemberUnit.member_id),
    "campaign": (Campaign, Campaign.id),
}
_CHUNK = 500


def evaluations_of_unit(session, unit_code):
    """What a re-pointing needs of the unit's evaluations: id, member_id, subject_unit_code, unit_path."""
    return session.execute(
        select(Evaluation.id, Evaluation.member_id, Evaluation.subject_unit_code, Evaluation.unit_path)
        .where(Evaluation.unit_code == unit_code)
        .order_by(Evaluation.id)
    ).all()


def member_units_of_unit(session, unit_code):
    return session.execute(
        select(MemberUnit.member_id, MemberUnit.unit_path)
        .where(MemberUnit.unit_code == unit_code)
        .order_by(MemberUnit.member_id)
    ).all()


def campaigns_of_unit(session, unit_code):
    return session.execute(
        select(Campaign.id, Campaign.year, Campaign.unit_path).where(Campaign.unit_code == unit_code)
    ).all()


def campaign_years(session, unit_code):
    return set(session.execute(select(Campaign.year).where(Campaign.unit_code == unit_code)).scalars())


def repoint(session, kind, ids, unit_code, unit_path):
    """Move the records ``ids`` of ``kind`` (evaluation, member, campaign) to another unit."""
    model, column = _RECORDS[kind]
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        session.execute(update(model).where(column.in_(chunk)).values(unit_code=unit_code, unit_path=unit_path))


def keep_earlier_units(session, rows):
    """Insert ``record_unit_history`` rows (dicts); a row already kept is left as it is."""
    if not rows:
        return
    dialect = postgresql if db.is_postgres(session) else sqlite
    for start in range(0, len(rows), _CHUNK):
        session.execute(dialect.insert(RecordUnitHistory).on_conflict_do_nothing(), rows[start : start + _CHUNK])


def follow_moved_unit(session, unit_code, from_path, to_path):
    """The records of a unit that moved (code kept) take its new path."""
    for model, _ in _RECORDS.values():
        session.execute(
            update(model).where(model.unit_code == unit_code, model.unit_path == from_path).values(unit_path=to_path)
        )


def count_of_unit(session, kind, unit_code):
    model, _ = _RECORDS[kind]
    return session.execute(select(func.count()).select_from(model).where(model.unit_code == unit_code)).scalar_one()


# --- the review report: each record under the unit it had on a day -------------------------------------


def _unit_on(kind, id_column, code_column, day):
    """The unit code of each record on ``day``: its earliest history row still valid then, else its own."""
    history = RecordUnitHistory
    first = (
        select(history.record_id, func.min(history.valid_until).label("valid_until"))
        .where(history.record_kind == kind, history.valid_until >= day)
        .group_by(history.record_id)
        .subquery()
    )
    earlier = (
        select(history.record_id, history.unit_code)
        .join(first, (history.record_id == first.c.record_id) & (history.valid_until == first.c.valid_until))
        .where(history.record_kind == kind)
        .subquery()
    )
    return earlier, func.coalesce(earlier.c.unit_code, code_column).label("unit_code"), id_column


def title_counts_on(session, first_year, last_year, day):
    """Rows ``(unit_code on day, title_type, year, status, count)`` of the campaign years."""
    earlier, unit, id_column = _unit_on("evaluation", Evaluation.id, Evaluation.unit_code, day)
    return session.execute(
        select(unit, Evaluation.title_type, Evaluation.year, Evaluation.status, func.count())
        .select_from(Evaluation)
        .outerjoin(earlier, earlier.c.record_id == id_column)
        .where(Evaluation.year.between(first_year, last_year))
        .group_by(unit, Evaluation.title_type, Evaluation.year, Evaluation.status)
    ).all()


def active_members_on(session, day):
    """``{unit code on day: ACTIVE members}`` of the projection."""
    earlier, unit, id_column = _unit_on("member", MemberUnit.member_id, MemberUnit.unit_code, day)
    rows = session.execute(
        select(unit, func.count())
        .select_from(MemberUnit)
        .outerjoin(earlier, earlier.c.record_id == id_column)
        .where(MemberUnit.status == "ACTIVE")
        .group_by(unit)
    ).all()
    return dict(rows)


def grassroots_kinds_on(session, day):
    """``{code: kind}`` of the grassroots units that existed on ``day``."""
    rows = session.execute(
        select(ORG_UNITS.c.code, ORG_UNITS.c.kind).where(
            ORG_UNITS.c.level == "GRASSROOTS",
            ORG_UNITS.c.valid_from <= day,
            or_(ORG_UNITS.c.valid_to.is_(None), ORG_UNITS.c.valid_to >= day),
        )
    ).all()
    return dict(rows)
