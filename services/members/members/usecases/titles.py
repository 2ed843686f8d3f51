"""A member's learning titles, kept from the evaluations service's ``evaluation_completed`` events.

The event is claimed in the inbox (a redelivery does nothing); the row per member, title and year is
upserted only if the event is newer (``occurred_at``) than the decision held, so events arriving late or
twice leave the newest decision. Only persons' titles are kept (a household's head is not the title holder).
Queries stay in this module: it is the one place that knows the table.
"""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from members.models import MemberTitle
from servicekit import db


def record_evaluation_completed(uow, consumer, envelope, payload):
    with uow:
        if uow.claim(consumer, envelope) and payload["subject_kind"] == "PERSON" and payload.get("member_id"):
            _upsert(uow.session, envelope, payload)
        uow.commit()


def _upsert(session, envelope, payload):
    dialect = postgresql if db.is_postgres(session) else sqlite
    values = {
        "outcome": payload["outcome"],
        "evaluation_id": payload["evaluation_id"],
        "decision_reference": payload["decision_reference"],
        "decided_on": payload["decided_on"],
        "occurred_at": envelope["occurred_at"],
    }
    statement = dialect.insert(MemberTitle).values(
        member_id=payload["member_id"], title_type=payload["title_type"], year=payload["year"], **values
    )
    statement = statement.on_conflict_do_update(
        index_elements=[MemberTitle.member_id, MemberTitle.title_type, MemberTitle.year],
        set_=values,
        where=MemberTitle.occurred_at < statement.excluded.occurred_at,
    )
    session.execute(statement)


def titles_of(session, member_id):
    """The titles recognised to a member, newest year first (as the member view shows them)."""
    rows = session.execute(
        select(MemberTitle)
        .where(MemberTitle.member_id == member_id, MemberTitle.outcome == "RECOGNISED")
        .order_by(MemberTitle.year.desc(), MemberTitle.title_type)
    ).scalars()
    return [
        {"title_type": t.title_type, "year": t.year, "decision_reference": t.decision_reference,
         "decided_on": t.decided_on}
        for t in rows
    ]
