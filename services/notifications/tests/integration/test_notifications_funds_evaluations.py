"""The rules of the funds and evaluations events: a thank-you and receipt to a donor who left a contact,
notes to the officers of a disbursement, the outcome of an evaluation to its member and its unit."""

import uuid
from datetime import date

from contracts.envelope import load_event, make_event
from notifications.testing import officer
from notifications.usecases import events

FUND = {"fund_id": str(uuid.uuid4()), "unit_code": "00070", "unit_path": "/VN/01/00070/"}


def event(event_type, source, **payload):
    return load_event(make_event(event_type, payload, source).to_message())


def donation(has_contact=True):
    return event(
        "donation_received",
        "funds",
        **FUND,
        donation_id="don-1",
        transfer_id="don-1",
        amount_vnd=5_000_000,
        purpose=None,
        channel="BANK",
        donor_kind="PERSON",
        received_on=date(2026, 3, 1),
        receipt_number="BN-00070-2026-000123",
        has_contact=has_contact,
    )


def test_a_donor_who_left_a_contact_gets_a_thank_you_with_the_receipt(
    uow, book, settings, directory, deliver_all, smtp, sms
):
    address = f"ketoan.{uuid.uuid4().hex[:6]}@anhduong.example"  # the SMTP server serves the whole session
    directory.donations["don-1"] = {
        "donation_id": "don-1",
        "donor_name": "Công ty TNHH Ánh Dương",
        "email": address,
        "phone": None,
        "fund_name": "Quỹ khuyến học Phường Hoàn Kiếm",
        "unit_code": "00070",
        "amount_vnd": 5_000_000,
        "receipt_number": "BN-00070-2026-000123",
    }
    events.handle_event(uow(), book, settings, *donation())
    deliver_all()
    [mail] = [m for m in smtp.messages() if m["To"] == address]
    assert mail["Subject"] == "Cảm ơn bạn đã ủng hộ Quỹ khuyến học Phường Hoàn Kiếm - biên nhận BN-00070-2026-000123"
    assert "5.000.000 đồng" in mail.get_content() and sms.requests == []


def test_a_donor_without_a_contact_is_not_looked_up(uow, book, settings, directory, rows):
    assert events.handle_event(uow(), book, settings, *donation(has_contact=False)) == 0
    assert rows("deliveries") == [] and directory.calls == []


def test_the_proposer_and_the_approver_are_told_when_a_disbursement_is_paid(uow, book, settings, deliver_all, rows):
    paid = event(
        "disbursement_paid",
        "funds",
        **FUND,
        disbursement_id=str(uuid.uuid4()),
        kind="SCHOLARSHIP",
        amount_vnd=2_000_000,
        purpose=None,
        proposed_by="o-1",
        approved_by="o-2",
        transfer_id="t-1",
        paid_on=date(2026, 3, 2),
    )
    events.handle_event(uow(), book, settings, *paid)
    deliver_all()
    notes = rows("inbox_messages")
    assert sorted(n["officer_id"] for n in notes) == ["o-1", "o-2"]
    assert "2.000.000 đồng" in notes[0]["body"] and notes[0]["subject"] == "Khoản chi đã được chi trả"


def test_a_recognised_member_is_congratulated_and_the_unit_told(uow, book, settings, directory, deliver_all, sms, rows):
    member_id = str(uuid.uuid4())
    directory.contacts[member_id] = {
        "member_id": member_id,
        "full_name": "Trần Văn Bình",
        "email": None,
        "phone": "0987654321",
        "contact_consent": True,
    }
    directory.officers["00070"] = [officer("c1", "00070", "COMMUNE", 0)]
    completed = event(
        "evaluation_completed",
        "evaluations",
        evaluation_id=str(uuid.uuid4()),
        campaign_id=str(uuid.uuid4()),
        title_type="CONG_DAN_HOC_TAP",
        year=2026,
        unit_code="00070",
        unit_path="/VN/01/00070/",
        subject_kind="PERSON",
        member_id=member_id,
        outcome="RECOGNISED",
        decision_reference="12/QĐ-KH",
        decided_on=date(2026, 3, 31),
    )
    events.handle_event(uow(), book, settings, *completed)
    deliver_all()
    [(_, _, body, _)] = sms.requests
    assert "Chúc mừng Trần Văn Bình đạt danh hiệu Công dân học tập năm 2026" in body.decode()
    [note] = rows("inbox_messages", officer_id="c1")
    assert "được công nhận, quyết định 12/QĐ-KH" in note["body"]


def test_the_officers_of_the_unit_are_told_a_disbursement_awaits_approval(
    uow, book, settings, directory, deliver_all, rows
):
    directory.officers["00070"] = [officer("c1", "00070", "COMMUNE", 0), officer("p1", "01", "PROVINCE", 1)]
    requested = event(
        "disbursement_requested", "funds", **FUND, disbursement_id=str(uuid.uuid4()), kind="HOC_BONG",
        amount_vnd=3_000_000, purpose=None, proposed_by="o-1",
    )
    events.handle_event(uow(), book, settings, *requested)
    deliver_all()
    [note] = rows("inbox_messages")  # the commune's officers approve; the province is not bothered
    assert note["officer_id"] == "c1" and note["subject"] == "Khoản chi chờ phê duyệt"
    assert "3.000.000 đồng" in note["body"]


def test_the_receiving_units_officers_are_told_of_a_grant(uow, book, settings, directory, deliver_all, rows):
    directory.officers["00070"] = [officer("c1", "00070", "COMMUNE", 0)]
    directory.officers["01"] = [officer("p1", "01", "PROVINCE", 0)]
    grant = event(
        "fund_transfer_completed", "funds", transfer_id="grant-1", from_fund_id=str(uuid.uuid4()),
        from_unit_code="01", from_unit_path="/VN/01/", to_fund_id=str(uuid.uuid4()), to_unit_code="00070",
        to_unit_path="/VN/01/00070/", amount_vnd=50_000_000, purpose=None, transferred_on=date(2026, 3, 1),
    )
    events.handle_event(uow(), book, settings, *grant)
    deliver_all()
    [note] = rows("inbox_messages")
    assert note["officer_id"] == "c1" and "50.000.000 đồng" in note["body"] and "từ đơn vị 01" in note["body"]
