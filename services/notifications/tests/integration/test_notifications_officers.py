"""Officers: preferences and opt-out, the daily digest when notes pile up, the inbox, and deadline
reminders sent once per campaign, unit and deadline."""

from datetime import UTC, datetime, timedelta

import pytest

from contracts.notifications import InboxMessageNotFound
from notifications.testing import officer
from notifications.usecases import dispatch, events, inbox, reminders

ME = {"officer_id": "c1", "username": "c1", "role": "OFFICER", "unit_code": "00070"}


@pytest.fixture
def commune_officers(directory):
    directory.officers["00070"] = [officer("c1", "00070", "COMMUNE", 0), officer("c2", "00070", "COMMUNE", 0)]


def registrations(uow, book, settings, event, count):
    for _ in range(count):
        events.handle_event(uow(), book, settings, *event())


def test_an_officer_who_turned_in_app_off_gets_no_note(uow, book, settings, event, commune_officers, deliver_all, rows):
    inbox.put_preferences(uow(), book, ME, {"channels": {"IN_APP": False}, "muted_rules": []})
    registrations(uow, book, settings, event, 1)
    deliver_all()
    assert [n["officer_id"] for n in rows("inbox_messages")] == ["c2"]
    assert rows("deliveries", recipient_id="c1")[0]["state"] == "SKIPPED"


def test_a_muted_rule_sends_nothing_to_that_officer(uow, book, settings, event, commune_officers, deliver_all, rows):
    prefs = inbox.put_preferences(uow(), book, ME, {"channels": {}, "muted_rules": ["member_registered_officers"]})
    registrations(uow, book, settings, event, 1)
    deliver_all()
    assert prefs["channels"]["IN_APP"] is True and [n["officer_id"] for n in rows("inbox_messages")] == ["c2"]


def test_muting_an_unknown_rule_is_refused(uow, book):
    from contracts.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        inbox.put_preferences(uow(), book, ME, {"channels": {}, "muted_rules": ["no_such_rule"]})
    assert refused.value.fields["muted_rules"][0]["code"] == "unknown_rule"


def test_notes_beyond_the_threshold_are_gathered_into_one_daily_digest(
    uow, book, settings, event, sessions, commune_officers, deliver_all, rows
):
    registrations(uow, book, settings, event, 5)  # digest_threshold is 2 in these tests
    deliver_all()
    assert len(rows("inbox_messages", officer_id="c1")) == 2
    assert len(rows("deliveries", recipient_id="c1", state="HELD")) == 3
    assert dispatch.gather_digests(sessions, book, settings, datetime.now(UTC)) == 0  # not before tomorrow
    assert dispatch.gather_digests(sessions, book, settings, datetime.now(UTC) + timedelta(days=1)) == 2
    deliver_all()
    [digest] = rows("inbox_messages", officer_id="c1", rule="daily_digest")
    assert digest["subject"] == "Tổng hợp trong ngày: 3 thông báo" and digest["body"].count("Hội viên mới") == 3
    assert dispatch.gather_digests(sessions, book, settings, datetime.now(UTC) + timedelta(days=1)) == 0


def test_an_officer_lists_the_inbox_and_marks_a_note_read(uow, book, settings, event, commune_officers, deliver_all):
    registrations(uow, book, settings, event, 2)
    deliver_all()
    page = inbox.list_inbox(uow(), ME, {"unread_only": False, "page": 1, "page_size": 10})
    assert (page["total"], page["unread"]) == (2, 2)
    read = inbox.mark_read(uow(), ME, page["items"][0]["id"])
    after = inbox.list_inbox(uow(), ME, {"unread_only": True, "page": 1, "page_size": 10})
    assert read["read_at"] is not None and (after["total"], after["unread"]) == (1, 1)


def test_an_officer_cannot_read_the_note_of_another(uow, book, settings, event, commune_officers, deliver_all):
    registrations(uow, book, settings, event, 1)
    deliver_all()
    [note] = inbox.list_inbox(uow(), ME, {"unread_only": False, "page": 1, "page_size": 10})["items"]
    with pytest.raises(InboxMessageNotFound):
        inbox.mark_read(uow(), {**ME, "officer_id": "c2"}, note["id"])


def test_a_deadline_reminder_is_sent_once_per_campaign_unit_and_deadline(
    uow, book, settings, commune_officers, deliver_all, rows
):
    deadlines = [
        {
            "campaign_id": "c-2026",
            "unit_code": "00070",
            "year": 2026,
            "title_type": "DON_VI_HOC_TAP",
            "deadline": "DOSSIER",
            "date": "2027-01-15",
        },
        {
            "campaign_id": "c-2026",
            "unit_code": "00070",
            "year": 2026,
            "title_type": "DON_VI_HOC_TAP",
            "deadline": "RECOGNITION",
            "date": "2027-03-31",
        },
    ]
    assert reminders.schedule_reminders(uow(), book, settings, deadlines) == 2
    assert reminders.schedule_reminders(uow(), book, settings, deadlines) == 0
    deliver_all()
    subjects = sorted(n["subject"] for n in rows("inbox_messages", officer_id="c1"))
    assert subjects == ["Nhắc hạn: nộp hồ sơ ngày 15/01/2027", "Nhắc hạn: quyết định công nhận ngày 31/03/2027"]
