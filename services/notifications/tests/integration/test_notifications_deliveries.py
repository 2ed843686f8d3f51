"""Events become deliveries once; the dispatcher sends each delivery once, to a real SMTP server and a
real HTTP receiver, looks contacts up at send time, retries what fails and gives up into DEAD."""

import eventlet

from notifications.testing import officer
from notifications.usecases import deliveries, dispatch, events


def contact(member_id, consent=True, email="giang.le@example.com", phone="0912345678"):
    return {
        "member_id": member_id,
        "full_name": "Lê Thị Hương Giang",
        "email": email,
        "phone": phone,
        "unit_code": "00070",
        "unit_path": "/VN/01/00070/",
        "status": "ACTIVE",
        "contact_consent": consent,
    }


def handle(uow, book, settings, envelope_and_payload):
    return events.handle_event(uow(), book, settings, *envelope_and_payload)


def test_a_consenting_member_gets_one_welcome_email_and_one_sms(
    uow, book, settings, event, directory, deliver_all, smtp, sms, rows
):
    registered = event()
    member_id = registered[1]["member_id"]
    directory.contacts[str(member_id)] = contact(str(member_id))
    before = len(smtp.messages())
    handle(uow, book, settings, registered)
    deliver_all()
    mails = [m for m in smtp.messages()[before:] if m["To"] == "giang.le@example.com"]
    assert [m["Subject"] for m in mails] == ["Chào mừng Lê Thị Hương Giang gia nhập Hội Khuyến học"]
    assert "Phường Hoàn Kiếm" in mails[0].get_content()
    [(path, headers, body, _)] = sms.requests
    assert path == "/sms" and headers["x-api-key"] == "test-key" and b"0912345678" in body


def test_the_delivery_log_keeps_only_masked_addresses(uow, book, settings, event, directory, deliver_all, rows):
    registered = event()
    directory.contacts[str(registered[1]["member_id"])] = contact(str(registered[1]["member_id"]))
    handle(uow, book, settings, registered)
    deliver_all()
    addresses = sorted(r["address"] for r in rows("deliveries", rule="member_welcome"))
    assert addresses == ["091****678", "gi***@example.com"]
    assert all("0912345678" not in str(r["data"]) for r in rows("deliveries"))


def test_a_redelivered_event_creates_nothing_more(uow, book, settings, event, rows):
    registered = event()
    first, second = handle(uow, book, settings, registered), handle(uow, book, settings, registered)
    assert (first, second) == (3, 0) and len(rows("deliveries")) == 3


def test_without_contact_consent_nothing_is_sent_to_the_member(
    uow, book, settings, event, directory, deliver_all, sms, rows
):
    registered = event()
    directory.contacts[str(registered[1]["member_id"])] = contact(str(registered[1]["member_id"]), consent=False)
    handle(uow, book, settings, registered)
    deliver_all()
    states = {(r["channel"], r["state"], r["last_error"]) for r in rows("deliveries", rule="member_welcome")}
    assert states == {("EMAIL", "SKIPPED", "no contact consent"), ("SMS", "SKIPPED", "no contact consent")}
    assert sms.requests == []


def test_a_member_without_email_gets_only_the_sms(uow, book, settings, event, directory, deliver_all, rows):
    registered = event()
    directory.contacts[str(registered[1]["member_id"])] = contact(str(registered[1]["member_id"]), email=None)
    handle(uow, book, settings, registered)
    deliver_all()
    states = {r["channel"]: r["state"] for r in rows("deliveries", rule="member_welcome")}
    assert states == {"EMAIL": "SKIPPED", "SMS": "SENT"}


def test_officers_of_the_unit_and_of_its_commune_get_an_in_app_note(
    uow, book, settings, event, directory, deliver_all, rows
):
    registered = event(unit_code="00070-G0001", unit_path="/VN/01/00070/00070-G0001/")
    directory.officers["00070-G0001"] = [
        officer("g1", "00070-G0001", "GRASSROOTS", 0),
        officer("c1", "00070", "COMMUNE", 1),
        officer("p1", "01", "PROVINCE", 2),
        officer("v1", "VN", "CENTRAL", 3),
    ]
    handle(uow, book, settings, registered)
    deliver_all()
    notes = rows("inbox_messages")
    assert sorted(n["officer_id"] for n in notes) == ["c1", "g1"]
    assert notes[0]["subject"].startswith("Hội viên mới tại") and str(registered[1]["member_id"]) in notes[0]["body"]


def test_a_service_that_does_not_answer_delays_the_message_without_losing_it(
    uow, book, settings, event, directory, dispatcher, deliver_all, sms, rows
):
    registered = event()
    directory.contacts[str(registered[1]["member_id"])] = contact(str(registered[1]["member_id"]))
    directory.down = True
    handle(uow, book, settings, registered)
    dispatcher.run_once()
    assert {r["state"] for r in rows("deliveries", rule="member_welcome")} == {"FAILED"} and sms.requests == []
    directory.down = False
    deliver_all()
    assert {r["state"] for r in rows("deliveries", rule="member_welcome")} == {"SENT"} and len(sms.requests) == 1


def test_a_provider_that_always_fails_ends_dead_and_a_replay_sends_it(
    uow, book, settings, event, directory, deliver_all, sms, rows
):
    registered = event()
    directory.contacts[str(registered[1]["member_id"])] = contact(str(registered[1]["member_id"]), email=None)
    sms.default = 503
    handle(uow, book, settings, registered)
    deliver_all()
    [dead] = rows("deliveries", rule="member_welcome", channel="SMS")
    assert (dead["state"], dead["attempts"], len(sms.requests)) == ("DEAD", 3, 3)
    sms.default = 200
    assert deliveries.replay(uow(), dead["public_id"])["state"] == "PENDING"
    deliver_all()
    assert rows("deliveries", id=dead["id"])[0]["state"] == "SENT" and len(sms.accepted()) == 1


def test_a_refused_message_is_dead_at_once(uow, book, settings, event, directory, deliver_all, sms, rows):
    registered = event()
    directory.contacts[str(registered[1]["member_id"])] = contact(str(registered[1]["member_id"]), email=None)
    sms.default = 400
    handle(uow, book, settings, registered)
    deliver_all()
    [dead] = rows("deliveries", rule="member_welcome", channel="SMS")
    assert (dead["state"], dead["attempts"]) == ("DEAD", 1)


def test_two_dispatchers_never_send_one_delivery_twice(
    uow, book, settings, event, directory, dispatcher, sessions, smtp, sms, rows
):
    from notifications.testing import local_channels

    for _ in range(10):
        registered = event()
        directory.contacts[str(registered[1]["member_id"])] = contact(str(registered[1]["member_id"]), email=None)
        handle(uow, book, settings, registered)
    rival = dispatch.Dispatcher(sessions, book, settings, directory, local_channels(smtp, sms))
    racers = [eventlet.spawn(d.run_once) for d in (dispatcher, rival, dispatcher, rival)]
    handled = sum(r.wait() for r in racers)
    sent = [r for r in rows("deliveries", channel="SMS") if r["state"] == "SENT"]
    assert len(sent) == 10 and len(sms.requests) == 10 and handled >= 10
