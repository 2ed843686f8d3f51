"""The notifications routes through the gateway, against the real members and notifications services on
a real broker: the officers' inbox and preferences, and webhook subscriptions managed by administrators.
Every answer is checked against the OpenAPI document."""

import uuid

import pytest

from gateway.testing import documented
from members.testing import member_payload
from notifications.testing import HttpReceiver, SmtpServer, start_notifications
from servicekit.testing import wait_for

pytestmark = pytest.mark.rabbit


@pytest.fixture(scope="module")
def notifications_service(amqp_uri, notifications_module_db_url, members_service):
    smtp, sms = SmtpServer(), HttpReceiver()
    # More attempts than the default of the tests: nothing here tests giving up, and on a loaded machine a
    # contact lookup may time out a few times before it answers.
    running = start_notifications(amqp_uri, notifications_module_db_url, smtp, sms, DELIVERY_MAX_ATTEMPTS=10,
                                  DELIVERY_BACKOFF_MAX_SECONDS=2)
    yield running
    running.container.stop()
    smtp.stop()
    sms.stop()


@pytest.fixture
def hook():
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def admin(api, notifications_service):
    return api.as_officer("ADMIN", "01")


def test_an_officer_reads_the_note_about_a_member_registered_in_their_unit(api, notifications_service):
    unit = api.new_unit("00070")
    officer = api.as_officer("OFFICER", unit)
    assert officer.post("/members", json=member_payload(unit)).status_code == 201
    page = wait_for(lambda: officer.get("/inbox").json()["items"], 90, message="a note in the inbox")
    note = documented(officer.get("/inbox"), "list_inbox").json()
    read = documented(officer.post(f"/inbox/{page[0]['id']}/read"), "mark_inbox_read").json()
    after = documented(officer.get("/inbox", params={"unread_only": "true"}), "list_inbox").json()
    assert note["unread"] == 1 and note["items"][0]["subject"].startswith("Hội viên mới tại")
    assert read["read_at"] is not None and (after["total"], after["unread"]) == (0, 0)


def test_another_officers_note_is_404(api, notifications_service):
    response = documented(api.as_officer("OFFICER", "00070").post(f"/inbox/{uuid.uuid4()}/read"), "mark_inbox_read")
    assert (response.status_code, response.json()["code"]) == (404, "inbox_message_not_found")


def test_an_officer_turns_a_channel_off_and_mutes_a_rule(api, notifications_service):
    officer = api.as_officer("VIEWER", "00070")
    body = {"channels": {"IN_APP": False}, "muted_rules": ["deadline_reminder"]}
    saved = documented(officer.request("PUT", "/me/preferences", json=body), "put_preferences").json()
    read = documented(officer.get("/me/preferences"), "get_preferences").json()
    assert saved == read and read["channels"] == {"EMAIL": True, "SMS": True, "IN_APP": False}
    assert read["muted_rules"] == ["deadline_reminder"] and "member_registered_officers" in read["rules"]


def test_an_unknown_channel_in_preferences_is_422(api, notifications_service):
    officer = api.as_officer("OFFICER", "00070")
    response = officer.request("PUT", "/me/preferences", json={"channels": {"FAX": True}})
    assert documented(response, "put_preferences").status_code == 422


def test_an_administrator_manages_a_webhook_subscription(admin, hook):
    body = {"client_name": "LGSP Hà Nội", "unit_code": "01", "event_types": ["member_registered"], "url": hook.url}
    created = documented(admin.post("/webhooks", json=body), "create_webhook").json()
    listed = documented(admin.get("/webhooks"), "list_webhooks").json()["items"]
    rotated = documented(admin.post(f"/webhooks/{created['id']}/rotate-secret"), "rotate_webhook_secret").json()
    shown = documented(admin.get(f"/webhooks/{created['id']}"), "get_webhook").json()
    deleted = documented(admin.request("DELETE", f"/webhooks/{created['id']}"), "delete_webhook").json()
    gone = documented(admin.get(f"/webhooks/{created['id']}"), "get_webhook")
    assert created["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert created["id"] in [w["id"] for w in listed] and "secret" not in shown
    assert shown["previous_secret_expires_at"] is not None and deleted["active"] is False
    assert gone.status_code == 404


def test_an_officer_may_not_manage_webhooks(api, notifications_service, hook):
    body = {"client_name": "x", "unit_code": "00070", "event_types": ["member_registered"], "url": hook.url}
    response = documented(api.as_officer("OFFICER", "00070").post("/webhooks", json=body), "create_webhook")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_a_subscription_outside_the_administrators_province_is_404(admin, hook):
    body = {"client_name": "x", "unit_code": "79", "event_types": ["member_registered"], "url": hook.url}
    response = documented(admin.post("/webhooks", json=body), "create_webhook")
    assert (response.status_code, response.json()["code"]) == (404, "unit_not_found")


def test_an_unknown_event_type_is_422(admin, hook):
    body = {"client_name": "x", "unit_code": "01", "event_types": ["member_deleted"], "url": hook.url}
    response = documented(admin.post("/webhooks", json=body), "create_webhook")
    assert response.status_code == 422 and "event_types.0" in response.json()["fields"]


def test_a_delivered_webhook_is_in_the_log_and_cannot_be_replayed(api, admin, hook):
    body = {"client_name": "LGSP", "unit_code": "01", "event_types": ["member_registered"], "url": hook.url}
    created = admin.post("/webhooks", json=body).json()
    assert api.as_officer("OFFICER", "00070").post("/members", json=member_payload("00070")).status_code == 201
    log = wait_for(lambda: [d for d in admin.get(f"/webhooks/{created['id']}/deliveries").json()["items"]
                            if d["state"] == "SENT"], message="a webhook sent")
    documented(admin.get(f"/webhooks/{created['id']}/deliveries", params={"state": "SENT"}), "list_webhook_deliveries")
    replay = documented(admin.post(f"/webhook-deliveries/{log[0]['id']}/replay"), "replay_webhook_delivery")
    assert log[0]["address"] == hook.url and (replay.status_code, replay.json()["code"]) == (409, "replay_rejected")
    admin.request("DELETE", f"/webhooks/{created['id']}")
