"""Webhook subscriptions of provincial e-government systems, managed by administrators.

A subscription is scoped to a unit's subtree (a province subscribes with its code and receives only
events of its units) and to a list of event types. Its secret (``whsec_<base64>``) is returned once, at
creation and at each rotation; during a rotation the previous secret keeps signing beside the new one
for ``rotation_grace_seconds``, so the receiver can switch without losing a message.
"""

import uuid
from datetime import UTC, datetime, timedelta

from contracts.notifications import WebhookNotFound, new_webhook_secret
from notifications import repository
from notifications.models import ORG_UNITS, WEBHOOK_SUBSCRIPTIONS
from servicekit import orgunits


def view(row, secret=None):
    result = {
        "id": str(row.id),
        "client_name": row.client_name,
        "unit_code": row.unit_code,
        "event_types": list(row.event_types),
        "url": row.url,
        "active": row.active,
        "created_at": row.created_at.isoformat(),
        "rotated_at": row.rotated_at.isoformat() if row.rotated_at else None,
        "previous_secret_expires_at": (
            row.previous_secret_expires_at.isoformat() if row.previous_secret_expires_at else None
        ),
    }
    if secret is not None:
        result["secret"] = secret
    return result


def create_webhook(uow, actor, command, idempotency_key=None):
    with uow:
        stored = uow.idempotent("create_webhook", actor["officer_id"], idempotency_key, command)
        if stored is not None:
            return stored
        scope = orgunits.scope_path(uow.session, ORG_UNITS, actor)
        unit = orgunits.unit_in_scope(uow.session, ORG_UNITS, command["unit_code"], scope)
        secret = new_webhook_secret()
        subscription_id = uuid.uuid4()
        uow.session.execute(
            WEBHOOK_SUBSCRIPTIONS.insert().values(
                id=subscription_id,
                client_name=command["client_name"],
                unit_code=unit.code,
                unit_path=unit.path,
                event_types=sorted(set(command["event_types"])),
                url=command["url"],
                secret=secret,
                active=True,
                created_by=actor["officer_id"],
                created_at=datetime.now(UTC),
            )
        )
        result = view(repository.subscription(uow.session, subscription_id), secret)
        uow.remember(result)
        uow.commit()
        return result


def subscription_in_scope(session, actor, subscription_id):
    scope = orgunits.scope_path(session, ORG_UNITS, actor)
    row = repository.subscription(session, subscription_id)
    if row is None or row.deleted_at is not None or not orgunits.is_in_subtree(row.unit_path, scope):
        raise WebhookNotFound(details={"webhook_id": str(subscription_id)})
    return row


def list_webhooks(uow, actor):
    with uow:
        scope = orgunits.scope_path(uow.session, ORG_UNITS, actor)
        return {"items": [view(row) for row in repository.subscriptions_under(uow.session, scope)]}


def get_webhook(uow, actor, subscription_id):
    with uow:
        return view(subscription_in_scope(uow.session, actor, subscription_id))


def delete_webhook(uow, actor, subscription_id):
    """Deactivate the subscription: nothing more is queued or sent to it; its delivery log stays."""
    with uow:
        subscription_in_scope(uow.session, actor, subscription_id)
        repository.update_subscription(uow.session, subscription_id, active=False, deleted_at=datetime.now(UTC))
        result = view(repository.subscription(uow.session, subscription_id))
        uow.commit()
        return result


def rotate_secret(uow, settings, actor, subscription_id):
    with uow:
        row = subscription_in_scope(uow.session, actor, subscription_id)
        now = datetime.now(UTC)
        secret = new_webhook_secret()
        repository.update_subscription(
            uow.session,
            subscription_id,
            secret=secret,
            previous_secret=row.secret,
            rotated_at=now,
            previous_secret_expires_at=now + timedelta(seconds=settings.rotation_grace_seconds),
        )
        result = view(repository.subscription(uow.session, subscription_id), secret)
        uow.commit()
        return result
