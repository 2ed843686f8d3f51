"""The service's own projection of who belongs where, fed by the members' events.

Each event is claimed in the inbox (a redelivery does nothing) and applied only if its ``member_version``
is newer than the row's (an older event arriving late does nothing): duplicated and reordered events
leave the same row as the events in order.
"""

from evaluations import repository

STATUS_AFTER = {
    "member_registered": "ACTIVE",
    "member_transferred": "ACTIVE",
    "member_rejoined": "ACTIVE",
    "member_left": "LEFT",
}


def record_member_event(uow, consumer, envelope, payload):
    with uow:
        if uow.claim(consumer, envelope):
            repository.record_member_unit(
                uow.session,
                payload["member_id"],
                payload["unit_code"],
                payload["unit_path"],
                STATUS_AFTER[envelope["event_type"]],
                payload["member_version"],
            )
        uow.commit()
