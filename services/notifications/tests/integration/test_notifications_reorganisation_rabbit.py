"""Over a real broker: the notifications service (a real nameko container) consumes ``units_merged`` as
members publishes it; a subscription of the merged commune then receives the survivor's events, the same
event delivered again changes nothing, and the dry run answers by RPC (a bad plan is a 422, not a 500)."""

import json
import uuid
from datetime import date

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from contracts.envelope import make_event
from contracts.errors import ValidationFailed
from notifications.testing import start_notifications
from notifications.usecases import webhooks
from servicekit import metrics
from servicekit.testing import publish_raw, wait_for

pytestmark = pytest.mark.rabbit

ADMIN_01 = {"officer_id": "a-01", "username": "admin.hn", "role": "ADMIN", "unit_code": "01"}
SURVIVOR, MERGED = "00004", "00008"


@pytest.fixture
def service(amqp_uri, notifications_db_url, smtp, sms):
    running = start_notifications(amqp_uri, notifications_db_url, smtp, sms, RPC_TIMEOUT_SECONDS=1)
    yield running
    running.container.stop()


def publish(amqp_uri, event_type, payload):
    message = make_event(event_type, payload, "members").to_message()
    publish_raw(amqp_uri, "members.events", event_type, message)
    return message


def merge_payload():
    return {
        "reorganisation_id": uuid.uuid4(),
        "effective_on": date(2026, 7, 1),
        "survivor_code": SURVIVOR,
        "survivor_path": "/VN/01/00004/",
        "merged": [{"unit_code": MERGED, "unit_path": "/VN/01/00008/"}],
    }


def registered_payload(unit_code, unit_path):
    return {"member_id": uuid.uuid4(), "member_version": 1, "unit_code": unit_code, "unit_path": unit_path,
            "join_date": date(2026, 8, 1)}  # fmt: skip


def duplicates_skipped():
    return metrics.INBOX_DUPLICATES.labels("notifications", "notifications")._value.get()


def test_a_merged_communes_subscription_receives_the_survivors_events_once_and_a_redelivery_changes_nothing(
    amqp_uri, service, uow, hook, rows
):
    command = {"client_name": "LGSP Hà Nội", "unit_code": MERGED, "event_types": ["member_registered"],
               "url": hook.url + "/hooks"}  # fmt: skip
    sub = webhooks.create_webhook(uow(), ADMIN_01, command)
    merged = publish(amqp_uri, "units_merged", merge_payload())
    wait_for(lambda: rows("reroutes"), 20, message="the subscription re-routed")
    assert webhooks.get_webhook(uow(), ADMIN_01, sub["id"])["unit_code"] == SURVIVOR
    later = publish(amqp_uri, "member_registered", registered_payload(SURVIVOR, "/VN/01/00004/"))
    [(_, _, body, _)] = wait_for(lambda: hook.accepted(), 20, message="the survivor's event at the old subscriber")
    assert json.loads(body)["event_id"] == later["event_id"]
    before, held = duplicates_skipped(), holdings(rows)
    publish_raw(amqp_uri, "members.events", "units_merged", merged)
    wait_for(lambda: duplicates_skipped() > before, 20, message="the redelivered merge skipped")
    assert holdings(rows) == held and len(hook.requests) == 1


def holdings(rows):
    """The subscriptions, the record of re-routes and which deliveries exist (their states move on)."""
    return rows("webhook_subscriptions"), rows("reroutes"), sorted(r["dedupe_key"] for r in rows("deliveries"))


def test_the_dry_run_answers_by_rpc_and_a_bad_plan_is_a_validation_error(amqp_uri, service, uow, hook):
    command = {"client_name": "LGSP", "unit_code": MERGED, "event_types": ["units_merged"], "url": hook.url}
    webhooks.create_webhook(uow(), ADMIN_01, command)
    plan = {"operations": [{"kind": "MERGE", "survivor_code": SURVIVOR, "merged_codes": [MERGED]}]}
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=20) as cluster:
        answer = cluster.notifications.preview_reorganisation(ADMIN_01, plan)
        with pytest.raises(ValidationFailed):
            cluster.notifications.preview_reorganisation(ADMIN_01, {"operations": [{"kind": "MERGE"}]})
    assert {(i["what"], i["count"]) for i in answer["items"]} == {("subscriptions", 1), ("pending_notifications", 0)}
