"""Webhooks: scoped by unit subtree and event type, signed the Standard Webhooks way (also with the old
secret during a rotation), retried with backoff, dead after the last attempt, replayed by an admin."""

import json

import pytest

from contracts.errors import UnitNotFound
from contracts.notifications import ReplayRejected, WebhookVerificationError, verify_webhook
from notifications.usecases import deliveries, events, webhooks

ADMIN_01 = {"officer_id": "a-01", "username": "admin.hn", "role": "ADMIN", "unit_code": "01"}


def subscribe(uow, hook, unit_code="01", event_types=("member_registered",), actor=ADMIN_01):
    command = {
        "client_name": "LGSP Hà Nội",
        "unit_code": unit_code,
        "event_types": list(event_types),
        "url": hook.url + "/hooks",
    }
    return webhooks.create_webhook(uow(), actor, command)


def test_a_province_receives_a_signed_envelope_of_its_own_units_only(uow, book, settings, event, hook, deliver_all):
    hanoi = subscribe(uow, hook)
    subscribe(uow, hook, "79", actor={**ADMIN_01, "unit_code": "VN"})  # Hồ Chí Minh City: not this event
    registered = event()
    events.handle_event(uow(), book, settings, *registered)
    deliver_all()
    [(_, headers, body, _)] = hook.requests
    assert verify_webhook(hanoi["secret"], headers, body) == f"msg_{registered[0]['event_id']}"
    sent = json.loads(body)
    assert (sent["event_type"], sent["payload"]["member_id"]) == ("member_registered", str(registered[1]["member_id"]))


def test_a_tampered_body_or_another_secret_does_not_verify(uow, book, settings, event, hook, deliver_all):
    subscribe(uow, hook)
    other = subscribe(uow, hook, event_types=("member_left",))
    events.handle_event(uow(), book, settings, *event())
    deliver_all()
    [(_, headers, body, _)] = hook.requests
    with pytest.raises(WebhookVerificationError):
        verify_webhook(other["secret"], headers, body)


def test_during_a_rotation_both_the_old_and_the_new_secret_verify(uow, book, settings, event, hook, deliver_all):
    old = subscribe(uow, hook)
    new = webhooks.rotate_secret(uow(), settings, ADMIN_01, old["id"])
    events.handle_event(uow(), book, settings, *event())
    deliver_all()
    [(_, headers, body, _)] = hook.requests
    assert len(headers["webhook-signature"].split()) == 2 and new["secret"] != old["secret"]
    assert verify_webhook(old["secret"], headers, body) == verify_webhook(new["secret"], headers, body)


def test_after_the_grace_period_only_the_new_secret_signs(uow, book, settings, event, hook, deliver_all):
    from dataclasses import replace

    old = subscribe(uow, hook)
    webhooks.rotate_secret(uow(), replace(settings, rotation_grace_seconds=0), ADMIN_01, old["id"])
    events.handle_event(uow(), book, settings, *event())
    deliver_all()
    [(_, headers, body, _)] = hook.requests
    with pytest.raises(WebhookVerificationError):
        verify_webhook(old["secret"], headers, body)


def test_a_receiver_that_fails_twice_gets_the_delivery_on_the_third_attempt(
    uow, book, settings, event, hook, deliver_all, rows
):
    hook.statuses = [500, 502]
    subscribe(uow, hook)
    events.handle_event(uow(), book, settings, *event())
    deliver_all()
    [row] = rows("deliveries", channel="WEBHOOK")
    assert (row["state"], row["attempts"], [r[3] for r in hook.requests]) == ("SENT", 3, [500, 502, 200])
    assert len({r[1]["webhook-id"] for r in hook.requests}) == 1  # one message id across retries


def test_a_receiver_that_always_fails_ends_dead_and_a_replay_delivers_it(
    uow, book, settings, event, hook, deliver_all, rows
):
    hook.default = 500
    sub = subscribe(uow, hook)
    events.handle_event(uow(), book, settings, *event())
    deliver_all()
    [dead] = webhooks_log(uow, sub)
    assert (dead["state"], dead["attempts"], len(hook.requests)) == ("DEAD", 3, 3)
    hook.default = 200
    deliveries.replay_webhook_delivery(uow(), ADMIN_01, dead["id"])
    deliver_all()
    assert [d["state"] for d in webhooks_log(uow, sub)] == ["SENT"] and len(hook.accepted()) == 1


def webhooks_log(uow, sub):
    query = {"page": 1, "page_size": 20, "state": None}
    return deliveries.webhook_deliveries(uow(), ADMIN_01, sub["id"], query)["items"]


def test_only_a_dead_delivery_can_be_replayed(uow, book, settings, event, hook, deliver_all):
    sub = subscribe(uow, hook)
    events.handle_event(uow(), book, settings, *event())
    deliver_all()
    [sent] = webhooks_log(uow, sub)
    with pytest.raises(ReplayRejected):
        deliveries.replay_webhook_delivery(uow(), ADMIN_01, sent["id"])


def test_a_deleted_subscription_receives_nothing_more(uow, book, settings, event, hook, deliver_all, rows):
    sub = subscribe(uow, hook)
    webhooks.delete_webhook(uow(), ADMIN_01, sub["id"])
    events.handle_event(uow(), book, settings, *event())
    deliver_all()
    assert hook.requests == [] and rows("deliveries", channel="WEBHOOK") == []


def test_an_administrator_cannot_subscribe_outside_their_subtree(uow, hook):
    with pytest.raises(UnitNotFound):
        subscribe(uow, hook, "79")
