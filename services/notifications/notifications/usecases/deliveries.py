"""The delivery log: what was sent, to which (masked) address, in which state; and replay of the dead."""

from datetime import UTC, datetime

from contracts.notifications import DeliveryNotFound, ReplayRejected
from notifications import domain, repository
from notifications.models import DELIVERIES, ORG_UNITS
from notifications.usecases.webhooks import subscription_in_scope
from servicekit import orgunits


def view(row):
    return {
        "id": str(row.public_id),
        "rule": row.rule,
        "channel": row.channel,
        "event_id": str(row.event_id) if row.event_id else None,
        "event_type": row.event_type,
        "state": row.state,
        "attempts": row.attempts,
        "max_attempts": row.max_attempts,
        "address": row.address,
        "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
        "last_error": row.last_error,
        "created_at": row.created_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
    }


def webhook_deliveries(uow, actor, subscription_id, query):
    with uow:
        subscription_in_scope(uow.session, actor, subscription_id)
        where = [DELIVERIES.c.subscription_id == repository.as_uuid(subscription_id)]
        if query.get("state"):
            where.append(DELIVERIES.c.state == query["state"])
        total, rows = repository.deliveries_page(uow.session, where, query["page"], query["page_size"])
        return {
            "items": [view(r) for r in rows],
            "total": total,
            "page": query["page"],
            "page_size": query["page_size"],
        }


def replay_webhook_delivery(uow, actor, delivery_id):
    """An administrator sends a dead webhook delivery again (after the receiver was fixed)."""
    with uow:
        row = repository.delivery_by_public_id(uow.session, delivery_id)
        if row is None or row.subscription_id is None:
            raise DeliveryNotFound(details={"delivery_id": str(delivery_id)})
        scope = orgunits.scope_path(uow.session, ORG_UNITS, actor)
        sub = repository.subscription(uow.session, row.subscription_id)
        if sub is None or not orgunits.is_in_subtree(sub.unit_path, scope):
            raise DeliveryNotFound(details={"delivery_id": str(delivery_id)})
        return _replay(uow, row)


def replay(uow, delivery_id):
    """Any dead delivery sent again (the operator's CLI: ``python -m notifications.manage replay``)."""
    with uow:
        row = repository.delivery_by_public_id(uow.session, delivery_id)
        if row is None:
            raise DeliveryNotFound(details={"delivery_id": str(delivery_id)})
        return _replay(uow, row)


def _replay(uow, row):
    if row.state != domain.DEAD:
        raise ReplayRejected(details={"delivery_id": str(row.public_id), "state": row.state})
    repository.set_pending(uow.session, row.id, datetime.now(UTC))
    result = view(repository.delivery_by_public_id(uow.session, row.public_id))
    uow.commit()
    return result


def list_dead(uow, limit=50):
    with uow:
        return [view(r) for r in repository.dead_deliveries(uow.session, limit)]
