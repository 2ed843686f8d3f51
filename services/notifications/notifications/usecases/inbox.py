"""The officers' in-app inbox and their preferences (always the signed-in officer's own)."""

from datetime import UTC, datetime

from contracts.notifications import OFFICER_CHANNELS, InboxMessageNotFound
from notifications import repository


def _message(row):
    return {
        "id": str(row.id),
        "rule": row.rule,
        "subject": row.subject,
        "body": row.body,
        "event_type": row.event_type,
        "created_at": row.created_at.isoformat(),
        "read_at": row.read_at.isoformat() if row.read_at else None,
    }


def list_inbox(uow, actor, query):
    with uow:
        total, unread, rows = repository.inbox_page(
            uow.session, actor["officer_id"], query["unread_only"], query["page"], query["page_size"]
        )
        return {
            "items": [_message(r) for r in rows],
            "total": total,
            "unread": unread,
            "page": query["page"],
            "page_size": query["page_size"],
        }


def mark_read(uow, actor, message_id):
    message_id = repository.as_uuid(message_id)
    with uow:
        if repository.inbox_message(uow.session, actor["officer_id"], message_id) is None:
            raise InboxMessageNotFound(details={"message_id": str(message_id)})
        repository.mark_read(uow.session, message_id, datetime.now(UTC))
        result = _message(repository.inbox_message(uow.session, actor["officer_id"], message_id))
        uow.commit()
        return result


def _preferences(row, book):
    disabled = set(row.disabled_channels) if row else set()
    return {
        "channels": {channel: channel not in disabled for channel in OFFICER_CHANNELS},
        "muted_rules": list(row.muted_rules) if row else [],
        "rules": sorted(rule.name for rule in [*book.rules, book.reminder] if rule.fans_out),
    }


def get_preferences(uow, book, actor):
    with uow:
        return _preferences(repository.preferences(uow.session, actor["officer_id"]), book)


def put_preferences(uow, book, actor, command):
    """Replace the officer's preferences: a channel set to false is off; a muted rule sends nothing."""
    from contracts.errors import ValidationFailed, field_error

    known = {rule.name for rule in [*book.rules, book.reminder]}
    unknown = sorted(set(command["muted_rules"]) - known)
    if unknown:
        raise ValidationFailed.from_fields(
            {
                "muted_rules": [
                    field_error(
                        "unknown_rule",
                        f"Không có quy tắc thông báo: {', '.join(unknown)}.",
                        f"No such rules: {', '.join(unknown)}.",
                    )
                ]
            }
        )
    disabled = sorted(channel for channel, enabled in command["channels"].items() if not enabled)
    with uow:
        repository.save_preferences(
            uow.session, actor["officer_id"], disabled, sorted(set(command["muted_rules"])), datetime.now(UTC)
        )
        result = _preferences(repository.preferences(uow.session, actor["officer_id"]), book)
        uow.commit()
        return result
