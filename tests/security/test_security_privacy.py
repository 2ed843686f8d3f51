"""Personal data, end to end on the real platform: data-subject requests (Law 91/2025) through the API with
their audit trail, then a search of everything the platform wrote for the CCCDs, phone numbers and e-mail
addresses it was given.

The flow: members registered with phone, e-mail and contact consent (notifications really send: a local
SMTP server and SMS provider receive the welcome messages), a transfer, a duplicate registration, a
donation with the donor's phone and e-mail (a thank-you goes out), a bulk import with rows in error, and
the four data-subject requests. Then every log line of every process, every event (the outbox rows of each
service and a copy of every message published, from a tap queue), every metric label of every /metrics,
the notifications' delivery log and the import's error report are searched for each full CCCD, phone number
(as typed and normalised) and e-mail address: none may be there. Masked forms (001******345, 091****678)
are fine. The export of a data-subject request is the one answer that carries them, by design.
"""

import json
import random
import re
import uuid

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine, text

from members.testing import member_payload, new_cccd
from servicekit.testing import queue_messages, wait_for
from tests.security.stack import TAP_QUEUE

pytestmark = [pytest.mark.rabbit, pytest.mark.e2e]

REASON = "Đơn yêu cầu của hội viên ngày 05/01/2026"


def phone():
    return "09" + "".join(random.choices("0123456789", k=8))


class Secrets:
    """Everything personal the flow hands the platform, to be searched for afterwards."""

    def __init__(self):
        self.values = set()

    def add(self, *values):
        for value in values:
            self.values.add(value)
            if re.fullmatch(r"[\d .+-]+", value):
                self.values.add(re.sub(r"\D", "", value))  # normalised: 0912345678
        return values[0]

    def found_in(self, text):
        return sorted(v for v in self.values if v in text)


@pytest.fixture(scope="module")
def secrets():
    return Secrets()


def register(officer, secrets, unit="00070", **fields):
    number, cccd, email = phone(), new_cccd(fields.get("gender", "MALE"), fields.get("birth_year", 1990)), None
    email = f"hv.{uuid.uuid4().hex[:8]}@example.vn"
    typed = f"{number[:4]} {number[4:7]} {number[7:]}"  # as people type it
    secrets.add(cccd, email, typed, number)
    body = member_payload(unit, cccd=cccd, phone=typed, email=email,
                          consent={"given": True, "channel": "PAPER_FORM", "contact": True}, **fields)  # fmt: skip
    response = officer.post("/members", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201, response.text
    return response.json(), cccd, number, email


def member_contact(security_platform, member_id):
    with ServiceRpcProxy("members", {"AMQP_URI": security_platform.amqp_uri}, timeout=30) as members:
        return members.member_contact(member_id)


def test_data_subject_requests_then_no_personal_data_in_logs_events_metrics_or_reports(
    security_platform, officers, secrets
):
    officer, admin = officers[("OFFICER", "00070")], officers[("ADMIN", "01")]
    sms_before = len(security_platform.sms.accepted())

    # --- the flow -------------------------------------------------------------------------------------
    member, cccd, number, email = register(officer, secrets, full_name="Phạm Thu Trang", gender="FEMALE")
    other, *_ = register(officer, secrets)
    wait_for(lambda: len(security_platform.sms.accepted()) >= sms_before + 2, 60, 0.2, "two welcome SMS")
    assert officer.post(f"/members/{other['id']}/transfer", json={"to_unit_code": "00073"}).status_code == 200
    duplicate = officer.post("/members", json=member_payload("00070", cccd=cccd, phone=number, gender="FEMALE"))
    assert duplicate.status_code == 409
    fund = officer.post("/funds", json={"unit_code": "00070", "name": "Quỹ khuyến học phường", "kind": "GENERAL"})
    donor_phone, donor_email = secrets.add(phone()), secrets.add(f"donor.{uuid.uuid4().hex[:6]}@example.vn")
    donation = officer.post(f"/funds/{fund.json()['id']}/donations", headers={"Idempotency-Key": str(uuid.uuid4())},
                            json={"donor_kind": "PERSON", "donor_name": "Trần Thị Lan", "amount_vnd": 500_000,
                                  "channel": "BANK_TRANSFER", "donor_phone": donor_phone, "donor_email": donor_email})
    assert donation.status_code == 201, donation.text
    bad_cccd, good_cccd, import_phone = secrets.add("001095012346"), secrets.add(new_cccd()), secrets.add(phone())
    rows = ("cccd,full_name,gender,birth_year,phone,unit_code,consent_given\n"
            f"{good_cccd},Vũ Văn Long,MALE,1990,{import_phone},00070,true\n"
            f"{bad_cccd},Lê Thị Hoa,FEMALE,1995,{import_phone},00070,true\n"
            f"{cccd},Phạm Thu Trang,FEMALE,1990,{number},00070,true\n")  # fmt: skip
    job = officer.post("/imports", data=rows.encode(), headers={"Content-Type": "text/csv"}).json()
    wait_for(lambda: officer.get(f"/imports/{job['id']}").json()["state"] == "COMPLETED", 60, 0.2, "import done")
    report = officer.get(f"/imports/{job['id']}/errors")
    assert report.status_code == 200 and report.text.count("\n") >= 3, report.text

    # --- data-subject requests ------------------------------------------------------------------------
    base = f"/members/{member['id']}/privacy"
    export = officer.post(f"{base}/export", json={"reason": REASON, "reference": "Đơn số 12"})
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"
    data = export.json()
    assert (data["member"]["cccd"], data["member"]["phone"], data["member"]["email"]) == (cccd, number, email)
    assert [c["purpose"] for c in data["consents"]] == ["MEMBERSHIP", "CONTACT"]
    assert [m["unit_code"] for m in data["memberships"]] == ["00070"]
    assert [r["kind"] for r in data["privacy_requests"]] == ["EXPORT"]

    new_phone = secrets.add(phone())
    corrected = officer.post(f"{base}/correct", json={"reason": REASON, "changes": {"phone": new_phone}})
    assert corrected.status_code == 200 and corrected.json()["phone_masked"] == new_phone[:3] + "****" + new_phone[-3:]

    assert member_contact(security_platform, member["id"])["contact_consent"] is True
    withdrawn = officer.post(f"{base}/withdraw-consent", json={"reason": REASON, "purpose": "CONTACT"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert member_contact(security_platform, member["id"])["contact_consent"] is False  # notifications asks this
    again = officer.post(f"{base}/withdraw-consent", json={"reason": REASON, "purpose": "CONTACT"})
    assert (again.status_code, again.json()["code"]) == (409, "transition_rejected")

    erased = officer.post(f"{base}/anonymise", json={"reason": REASON})
    assert erased.status_code == 200, erased.text
    view = officer.get(f"/members/{member['id']}").json()
    assert (view["full_name"], view["phone_masked"], view["has_email"], view["status"]) == (
        "(đã ẩn danh)", None, False, "LEFT")
    assert view["left_reason"] == "ERASED" and not view["cccd_masked"][:3].isdigit()
    assert officer.post(f"{base}/correct", json={"reason": REASON, "changes": {"religion": "Không"}}).status_code == 409
    rejoin = officer.post(f"/members/{member['id']}/rejoin", json={
        "unit_code": "00070", "consent": {"given": True, "channel": "PAPER_FORM"}})
    assert rejoin.status_code == 409
    after = officer.post(f"{base}/export", json={"reason": REASON}).json()["member"]
    assert (after["phone"], after["email"], after["birth_date"]) == (None, None, None)
    assert after["cccd"] != cccd and after["full_name"] == "(đã ẩn danh)" and after["anonymised_at"]
    # No hash of the CCCD is kept: the person may register again, as a new member.
    again = officer.post("/members", json=member_payload("00070", cccd=cccd, full_name="Phạm Thu Trang",
                                                         gender="FEMALE"))  # fmt: skip
    assert again.status_code == 201, again.text

    # The trail: who, when, what, why, for administrators of the subtree only, and never a value.
    trail = admin.get("/privacy-requests", params={"member_id": member["id"]})
    assert trail.status_code == 200
    items = trail.json()["items"]
    assert sorted(i["kind"] for i in items) == ["ANONYMISE", "CORRECT", "EXPORT", "EXPORT", "WITHDRAW_CONSENT"]
    assert {(i["username"], i["role"], i["unit_code"], i["reason"]) for i in items} == {
        (officer.username, "OFFICER", "00070", REASON)}
    assert next(i for i in items if i["kind"] == "CORRECT")["detail"] == {"fields": ["phone"]}
    assert officers[("ADMIN", "79")].get("/privacy-requests", params={"member_id": member["id"]}).json()["total"] == 0
    assert officer.get("/privacy-requests").status_code == 403

    # --- the search -----------------------------------------------------------------------------------
    wait_for(lambda: _outbox_drained(security_platform), 30, 0.2, "every outbox published")
    events = queue_messages(security_platform.amqp_uri, TAP_QUEUE)
    types = {e["event_type"] for e in events}
    assert {"member_registered", "member_transferred", "member_updated", "member_left", "donation_received"} <= types
    updated = [e["payload"] for e in events if e["event_type"] == "member_updated"
               and e["payload"]["member_id"] == member["id"]]  # fmt: skip
    assert {"cccd", "full_name", "phone"} <= set(updated[-1]["changed_fields"])

    places = {
        "logs": "\n".join(line for _, line in security_platform.logs()),
        "events published": json.dumps(events, ensure_ascii=False),
        "outbox rows": _outbox_bodies(security_platform),
        "metrics": "\n".join(security_platform.metrics().values()),
        "delivery log": _table_text(security_platform.db_urls["notifications"], "deliveries"),
        "import error report": report.text,
        "privacy trail": trail.text,
    }
    leaks = {place: secrets.found_in(content) for place, content in places.items()}
    assert {place: found for place, found in leaks.items() if found} == {}
    assert sum(len(c) for c in places.values()) > 10_000  # the search had something to search
    assert len(security_platform.processes) == 5
    print("personal-data scan:", {place: len(content) for place, content in places.items()},
          f"{len(secrets.values)} values searched")


def _outbox_drained(platform):
    return all(
        _scalar(url, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0 for url in platform.db_urls.values()
    )


def _scalar(url, sql):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _outbox_bodies(platform):
    bodies = []
    for url in platform.db_urls.values():
        engine = create_engine(url)
        with engine.connect() as connection:
            bodies += [row[0] for row in connection.execute(text("SELECT body FROM outbox"))]
        engine.dispose()
    return "\n".join(bodies)


def _table_text(url, table):
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608 (a fixed table name)
    engine.dispose()
    return "\n".join(repr(tuple(row)) for row in rows)
