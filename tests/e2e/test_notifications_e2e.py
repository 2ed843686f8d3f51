"""End to end over a real broker: the members service, the notifications service and the gateway (real
nameko containers in this process), a real local SMTP server, a local SMS provider and a provincial
system's webhook endpoint that verifies every signature.

Registering a member who agreed to be contacted sends exactly one welcome e-mail, one SMS and one signed
webhook; the same event delivered again sends nothing more; a receiver that fails at first gets the
webhook after retries; one that always fails ends DEAD and gets it when an administrator replays it."""

import json
import uuid

import pytest
from sqlalchemy import select

from contracts.notifications import verify_webhook
from members.models import OUTBOX
from members.testing import member_payload
from notifications.testing import HttpReceiver, SmtpServer, start_notifications
from servicekit import db, metrics
from servicekit.testing import publish_raw, wait_for

pytestmark = [pytest.mark.rabbit, pytest.mark.e2e]


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sms():
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def notifications_service(amqp_uri, notifications_module_db_url, members_service, smtp, sms):
    running = start_notifications(amqp_uri, notifications_module_db_url, smtp, sms)
    yield running
    running.container.stop()


@pytest.fixture
def hook():
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def province(api, notifications_service):
    return api.as_officer("ADMIN", "01")


def subscribe(admin, hook):
    body = {"client_name": "LGSP Hà Nội", "unit_code": "01", "event_types": ["member_registered"],
            "url": hook.url + "/khuyenhoc"}
    response = admin.post("/webhooks", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201, response.text
    return response.json()


def register_consenting_member(api):
    email = f"hv.{uuid.uuid4().hex[:8]}@example.com"
    body = member_payload("00070", full_name="Lê Thị Hương Giang", gender="FEMALE", birth_year=1995,
                          phone="0912 345 678", email=email,
                          consent={"given": True, "channel": "PAPER_FORM", "contact": True})
    response = api.as_officer("OFFICER", "00070").post("/members", json=body)
    assert response.status_code == 201, response.text
    return response.json(), email


def the_event_of(members_db_url, member_id):
    engine = db.make_engine(members_db_url, pool_size=1)
    with engine.connect() as connection:
        bodies = [json.loads(b) for b in connection.execute(
            select(OUTBOX.c.body).where(OUTBOX.c.event_type == "member_registered")).scalars()]
    engine.dispose()
    [event] = [b for b in bodies if b["payload"]["member_id"] == member_id]
    return event


def duplicates_skipped():
    return metrics.INBOX_DUPLICATES.labels("notifications", "notifications")._value.get()


def test_a_consenting_member_gets_one_email_one_sms_and_the_province_one_signed_webhook(
        api, province, hook, smtp, sms, members_service):
    webhook = subscribe(province, hook)
    earlier_texts = len(sms.requests)  # the SMS provider stand-in serves the whole module
    member, email = register_consenting_member(api)
    mails = wait_for(lambda: [m for m in smtp.messages() if m["To"] == email], message="welcome e-mail")
    texts = wait_for(lambda: sms.requests[earlier_texts:], message="SMS")
    [(path, headers, body, _)] = wait_for(lambda: hook.requests, message="webhook")
    assert verify_webhook(webhook["secret"], headers, body) and path == "/khuyenhoc"
    assert json.loads(body)["payload"]["member_id"] == member["id"]
    assert [m["Subject"] for m in mails] == ["Chào mừng Lê Thị Hương Giang gia nhập Hội Khuyến học"]

    before = duplicates_skipped()
    publish_raw(_amqp(members_service),
                "members.events", "member_registered", the_event_of(members_service.db_url, member["id"]))
    wait_for(lambda: duplicates_skipped() > before, message="the redelivered event skipped")
    assert len([m for m in smtp.messages() if m["To"] == email]) == len(mails) == 1
    assert len(sms.requests[earlier_texts:]) == len(texts) == 1 and len(hook.requests) == 1
    assert member["full_name"] in json.loads(texts[0][2])["text"]
    province.request("DELETE", f"/webhooks/{webhook['id']}")


def _amqp(running):
    return running.container.config["AMQP_URI"]


def test_a_receiver_that_fails_at_first_gets_the_webhook_after_retries(api, province, hook):
    hook.statuses = [500, 503]
    webhook = subscribe(province, hook)
    register_consenting_member(api)
    wait_for(lambda: hook.accepted(), message="webhook accepted after retries")
    assert [r[3] for r in hook.requests] == [500, 503, 200]
    assert all(verify_webhook(webhook["secret"], r[1], r[2]) for r in hook.requests)
    province.request("DELETE", f"/webhooks/{webhook['id']}")


def test_a_receiver_that_always_fails_ends_dead_and_gets_the_webhook_when_replayed(api, province, hook):
    hook.default = 500
    webhook = subscribe(province, hook)
    register_consenting_member(api)
    log = f"/webhooks/{webhook['id']}/deliveries"
    [dead] = wait_for(lambda: province.get(log, params={"state": "DEAD"}).json()["items"], message="dead delivery")
    assert dead["attempts"] == 3 and len(hook.requests) == 3 and hook.accepted() == []
    hook.default = 200
    assert province.post(f"/webhook-deliveries/{dead['id']}/replay").json()["state"] == "PENDING"
    [(_, headers, body, _)] = wait_for(lambda: hook.accepted(), message="webhook after the replay")
    assert verify_webhook(webhook["secret"], headers, body)
    assert province.get(log).json()["items"][0]["state"] == "SENT"
    province.request("DELETE", f"/webhooks/{webhook['id']}")


def test_an_operator_resends_a_dead_webhook_with_opsctl(api, province, hook, notifications_service):
    """The operator's tool, against the real notifications service: a dead delivery is sent again; an
    unknown one is refused with the service's own error."""
    import io

    from servicekit import opsctl

    hook.default = 500
    webhook = subscribe(province, hook)
    register_consenting_member(api)
    log = f"/webhooks/{webhook['id']}/deliveries"
    [dead] = wait_for(lambda: province.get(log, params={"state": "DEAD"}).json()["items"], message="dead delivery")
    hook.default = 200
    out = io.StringIO()
    amqp_uri = _amqp(notifications_service)
    assert opsctl.main(["--amqp-uri", amqp_uri, "webhook-resend", dead["id"], "--timeout", "10"], out) == opsctl.DONE
    assert json.loads(out.getvalue())["state"] == "PENDING"
    [(_, headers, body, _)] = wait_for(lambda: hook.accepted(), message="webhook after the operator's re-send")
    assert verify_webhook(webhook["secret"], headers, body)
    unknown = str(uuid.uuid4())
    assert opsctl.main(["--amqp-uri", amqp_uri, "webhook-resend", unknown, "--timeout", "10"], io.StringIO()) == (
        opsctl.FAILED
    )
    province.request("DELETE", f"/webhooks/{webhook['id']}")
