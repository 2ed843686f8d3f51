"""Deadline reminders: the evaluation calendar's deadlines (dossiers, recognition decisions), sent once
per campaign, unit and deadline to the unit's officers, however often the timer asks."""

from datetime import UTC, datetime

from notifications import repository
from notifications.models import DELIVERIES


def schedule_reminders(uow, book, settings, deadlines, now=None):
    """``deadlines``: ``evaluations.upcoming_deadlines``' answer. Returns how many reminders are new."""
    now = now or datetime.now(UTC)
    rule = book.reminder
    created = 0
    with uow:
        for item in deadlines:
            key = (str(item["campaign_id"]), item["unit_code"], item["deadline"])
            if not repository.claim_reminder(uow.session, *key, str(item["date"]), now):
                continue
            unit = repository.unit(uow.session, item["unit_code"])
            data = {
                "reminder": {**item, "campaign_id": key[0], "date": str(item["date"])},
                "unit": {"code": item["unit_code"], "name": unit.name if unit else item["unit_code"]},
                "payload": {},
            }
            created += repository.insert_ignoring_duplicates(
                uow.session,
                DELIVERIES,
                [
                    repository.new_delivery(
                        now,
                        dedupe_key="reminder:" + ":".join(key),
                        rule=rule.name,
                        channel=rule.channels[0],
                        recipient_kind="UNIT_OFFICERS",
                        recipient_id=item["unit_code"],
                        data=data,
                        unit_path=unit.path if unit else None,
                        max_attempts=settings.max_attempts,
                    )
                ],
            )
        uow.commit()
    return created
