"""Every query of the notifications service (the only module with ``select()``)."""

import uuid
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from notifications import domain
from notifications.models import (
    DELIVERIES,
    INBOX_MESSAGES,
    ORG_UNITS,
    PREFERENCES,
    REMINDERS_SENT,
    REROUTES,
    WEBHOOK_SUBSCRIPTIONS,
)
from servicekit import db


def insert_ignoring_duplicates(session, table, rows):
    """Insert ``rows``; a row whose unique key exists is left alone. Returns how many were inserted."""
    if not rows:
        return 0
    dialect = postgresql if db.is_postgres(session) else sqlite
    inserted = 0
    for row in rows:  # one statement per row: rowcount of a multi-row ON CONFLICT is not portable
        inserted += session.execute(dialect.insert(table).values(**row).on_conflict_do_nothing()).rowcount
    return inserted


def unit(session, code):
    if not code:
        return None
    return session.execute(select(ORG_UNITS).where(ORG_UNITS.c.code == code)).first()


# --- deliveries ----------------------------------------------------------------------------------------


def new_delivery(now, **values):
    row = {
        "public_id": uuid.uuid4(),
        "state": domain.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "address": None,
        "subscription_id": None,
        "parent_id": None,
        "digest_key": None,
        "event_id": None,
        "event_type": None,
        "unit_path": None,
    }
    row.update(values)
    return row


def _due(now):
    return or_(
        and_(DELIVERIES.c.state.in_(domain.DUE_STATES), DELIVERIES.c.next_attempt_at <= now),
        and_(DELIVERIES.c.state == domain.SENDING, DELIVERIES.c.claimed_until < now),
    )


def claim_due(session, now, batch_size, lease_seconds):
    """Claim up to ``batch_size`` due deliveries for this process: they become SENDING with a lease and
    one more attempt. The conditional UPDATE is the claim: of two dispatchers racing for a row only one
    updates it (PostgreSQL re-checks the condition after the other's commit; SQLite has one writer).
    PostgreSQL also skips rows another dispatcher has locked instead of waiting for them."""
    candidates = select(DELIVERIES.c.id).where(_due(now)).order_by(DELIVERIES.c.next_attempt_at).limit(batch_size)
    if db.is_postgres(session):
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(session.execute(candidates).scalars())
    if not ids:
        return []
    statement = (
        update(DELIVERIES)
        .where(DELIVERIES.c.id.in_(ids), _due(now))
        .values(
            state=domain.SENDING,
            attempts=DELIVERIES.c.attempts + 1,
            claimed_until=now + timedelta(seconds=lease_seconds),
        )
        .returning(*DELIVERIES.c)
    )
    return list(session.execute(statement).all())


def finish(session, row, **values):
    """Record the outcome of the attempt ``row`` claimed; False if the claim was lost meanwhile (its lease
    ran out and another dispatcher took the row), in which case nothing is written."""
    statement = (
        update(DELIVERIES)
        .where(
            DELIVERIES.c.id == row.id,
            DELIVERIES.c.state == domain.SENDING,
            DELIVERIES.c.attempts == row.attempts,
        )
        .values(claimed_until=None, **values)
    )
    return session.execute(statement).rowcount == 1


def as_uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def delivery_by_public_id(session, public_id):
    return session.execute(select(DELIVERIES).where(DELIVERIES.c.public_id == as_uuid(public_id))).first()


def deliveries_page(session, where, page, page_size):
    total = session.execute(select(func.count()).select_from(DELIVERIES).where(*where)).scalar_one()
    rows = session.execute(
        select(DELIVERIES)
        .where(*where)
        .order_by(DELIVERIES.c.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return total, rows


def dead_deliveries(session, limit):
    return session.execute(
        select(DELIVERIES).where(DELIVERIES.c.state == domain.DEAD).order_by(DELIVERIES.c.id).limit(limit)
    ).all()


def set_pending(session, delivery_id, now):
    session.execute(
        update(DELIVERIES)
        .where(DELIVERIES.c.id == delivery_id)
        .values(state=domain.PENDING, attempts=0, next_attempt_at=now, claimed_until=None)
    )


def recent_notes(session, officer_id, rule, since):
    """Notes of ``rule`` to one officer since ``since`` (sent, waiting or held): the digest's measure.

    On PostgreSQL concurrent expansions for one officer and rule take turns (a transaction-scoped advisory
    lock), so each counts the notes of the others and the threshold is exact."""
    if db.is_postgres(session):
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"digest:{officer_id}:{rule}"))))
    return session.execute(
        select(func.count())
        .select_from(DELIVERIES)
        .where(
            DELIVERIES.c.recipient_kind == "OFFICER",
            DELIVERIES.c.recipient_id == officer_id,
            DELIVERIES.c.rule == rule,
            DELIVERIES.c.created_at >= since,
            DELIVERIES.c.state.notin_((domain.SKIPPED, domain.DEAD)),
        )
    ).scalar_one()


def held_before(session, before):
    return session.execute(
        select(DELIVERIES)
        .where(DELIVERIES.c.state == domain.HELD, DELIVERIES.c.created_at < before)
        .order_by(DELIVERIES.c.digest_key, DELIVERIES.c.id)
    ).all()


def mark_digested(session, ids, digest_id):
    session.execute(
        update(DELIVERIES)
        .where(DELIVERIES.c.id.in_(ids), DELIVERIES.c.state == domain.HELD)
        .values(state=domain.DIGESTED, parent_id=digest_id)
    )


def delivery_id_by_key(session, dedupe_key):
    return session.execute(select(DELIVERIES.c.id).where(DELIVERIES.c.dedupe_key == dedupe_key)).scalar_one()


# --- inbox and preferences -------------------------------------------------------------------------------


def inbox_page(session, officer_id, unread_only, page, page_size):
    where = [INBOX_MESSAGES.c.officer_id == officer_id]
    unread = session.execute(
        select(func.count()).select_from(INBOX_MESSAGES).where(*where, INBOX_MESSAGES.c.read_at.is_(None))
    ).scalar_one()
    if unread_only:
        where.append(INBOX_MESSAGES.c.read_at.is_(None))
    total = session.execute(select(func.count()).select_from(INBOX_MESSAGES).where(*where)).scalar_one()
    rows = session.execute(
        select(INBOX_MESSAGES)
        .where(*where)
        .order_by(INBOX_MESSAGES.c.created_at.desc(), INBOX_MESSAGES.c.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return total, unread, rows


def inbox_message(session, officer_id, message_id):
    return session.execute(
        select(INBOX_MESSAGES).where(INBOX_MESSAGES.c.id == message_id, INBOX_MESSAGES.c.officer_id == officer_id)
    ).first()


def mark_read(session, message_id, now):
    session.execute(
        update(INBOX_MESSAGES)
        .where(INBOX_MESSAGES.c.id == message_id, INBOX_MESSAGES.c.read_at.is_(None))
        .values(read_at=now)
    )


def preferences(session, officer_id):
    return session.execute(select(PREFERENCES).where(PREFERENCES.c.officer_id == officer_id)).first()


def save_preferences(session, officer_id, disabled_channels, muted_rules, now):
    values = {"disabled_channels": disabled_channels, "muted_rules": muted_rules, "updated_at": now}
    if preferences(session, officer_id) is None:
        session.execute(PREFERENCES.insert().values(officer_id=officer_id, **values))
    else:
        session.execute(update(PREFERENCES).where(PREFERENCES.c.officer_id == officer_id).values(**values))


# --- webhooks --------------------------------------------------------------------------------------------


def active_subscriptions(session):
    return session.execute(select(WEBHOOK_SUBSCRIPTIONS).where(WEBHOOK_SUBSCRIPTIONS.c.active.is_(True))).all()


def subscription(session, subscription_id):
    query = select(WEBHOOK_SUBSCRIPTIONS).where(WEBHOOK_SUBSCRIPTIONS.c.id == as_uuid(subscription_id))
    return session.execute(query).first()


def subscriptions_under(session, scope):
    return session.execute(
        select(WEBHOOK_SUBSCRIPTIONS)
        .where(WEBHOOK_SUBSCRIPTIONS.c.unit_path.startswith(scope), WEBHOOK_SUBSCRIPTIONS.c.active.is_(True))
        .order_by(WEBHOOK_SUBSCRIPTIONS.c.created_at)
    ).all()


def update_subscription(session, subscription_id, **values):
    session.execute(
        update(WEBHOOK_SUBSCRIPTIONS).where(WEBHOOK_SUBSCRIPTIONS.c.id == as_uuid(subscription_id)).values(**values)
    )


# --- reorganisations: what is kept per unit, and the record of what was re-routed ------------------------


def subscriptions_of_units(session, codes):
    """Active subscriptions scoped to one of ``codes``."""
    query = select(WEBHOOK_SUBSCRIPTIONS).where(
        WEBHOOK_SUBSCRIPTIONS.c.unit_code.in_(list(codes)), WEBHOOK_SUBSCRIPTIONS.c.active.is_(True)
    )
    return session.execute(query.order_by(WEBHOOK_SUBSCRIPTIONS.c.created_at)).all()


def children(session, parent_code):
    """The open units directly below ``parent_code``."""
    query = select(ORG_UNITS).where(ORG_UNITS.c.parent_code == parent_code, ORG_UNITS.c.valid_to.is_(None))
    return session.execute(query.order_by(ORG_UNITS.c.code)).all()


def waiting_unit_deliveries(session, codes):
    """Notes to the officers of one of ``codes`` not yet expanded (PENDING, or FAILED to be retried)."""
    query = select(DELIVERIES).where(
        DELIVERIES.c.recipient_kind == "UNIT_OFFICERS",
        DELIVERIES.c.recipient_id.in_(list(codes)),
        DELIVERIES.c.state.in_(domain.DUE_STATES),
    )
    return session.execute(query.order_by(DELIVERIES.c.id)).all()


def readdress_delivery(session, delivery_id, unit_code):
    """Point a waiting fan-out note at another unit, unless the dispatcher took it meanwhile."""
    statement = update(DELIVERIES).where(DELIVERIES.c.id == delivery_id, DELIVERIES.c.state.in_(domain.DUE_STATES))
    return session.execute(statement.values(recipient_id=unit_code)).rowcount == 1


def reroutes(session, scope, reorganisation_id=None):
    """What merges and splits re-routed into or out of the subtree ``scope``, newest first."""
    where = [or_(REROUTES.c.to_unit_path.startswith(scope), REROUTES.c.from_unit_path.startswith(scope))]
    if reorganisation_id is not None:
        where.append(REROUTES.c.reorganisation_id == as_uuid(reorganisation_id))
    return session.execute(select(REROUTES).where(*where).order_by(REROUTES.c.id.desc()).limit(1000)).all()


# --- reminders -------------------------------------------------------------------------------------------


def claim_reminder(session, campaign_id, unit_code, deadline, deadline_date, now):
    row = {
        "campaign_id": campaign_id,
        "unit_code": unit_code,
        "deadline": deadline,
        "deadline_date": deadline_date,
        "created_at": now,
    }
    return insert_ignoring_duplicates(session, REMINDERS_SENT, [row]) == 1
