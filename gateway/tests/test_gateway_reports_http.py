"""The review report and the activities through the real gateway, the real members, funds and evaluations
services and real RabbitMQ. One dataset per backend, under commune 00073 (no other test of this module
writes there), with figures known to the unit: two new grassroots units A and B, four members (one a Party
member, one who leaves), three activities, a donation and a paid scholarship, one title registered. The
report answers them as JSON, and downloads as XLSX and PDF that open."""

import io
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from funds.testing import donation_body, scholarship_body
from gateway.testing import documented
from members.testing import Api, member_payload
from servicekit.testing import service_config, start_container, wait_for

pytestmark = pytest.mark.rabbit
COMMUNE = "00073"
TODAY = datetime.now(timezone(timedelta(hours=7))).date()
PERIOD = {"unit": COMMUNE, "from": f"{TODAY.year}-01-01", "to": TODAY.isoformat()}


def start(request, databases, amqp_uri, members_service, service_cls, name):
    backend = "sqlite" if members_service.db_url.startswith("sqlite") else "postgres"
    database = databases.fresh(request, name, backend)
    config, _ = service_config(amqp_uri, DATABASE_URL=next(database), OUTBOX_RELAY_INTERVAL_SECONDS=0.2)
    container = start_container(service_cls, config)
    return container, database


@pytest.fixture(scope="module")
def services(request, amqp_uri, members_service, databases):
    from evaluations.service import EvaluationsService
    from funds.service import FundsService

    started = [start(request, databases, amqp_uri, members_service, cls, name)
               for cls, name in ((FundsService, "funds"), (EvaluationsService, "evaluations"))]  # fmt: skip
    yield
    for container, database in started:
        container.stop()
        next(database, None)


def key():
    return {"Idempotency-Key": str(uuid.uuid4())}


def register(client, unit, **fields):
    response = client.post("/members", json=member_payload(unit_code=unit, **fields))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def activity(client, unit, kind, sessions, participants):
    body = {"kind": kind, "title": "Sinh hoạt học tập cộng đồng", "started_on": TODAY.isoformat(),
            "sessions": sessions, "participants": participants}  # fmt: skip
    response = documented(client.post(f"/units/{unit}/activities", json=body, headers=key()), "record_activity")
    assert response.status_code == 201, response.text
    return response.json()


def fund_with_a_paid_scholarship(officer, chair, unit):
    body = {"unit_code": unit, "name": "Quỹ khuyến học chi hội", "kind": "GENERAL"}
    fund = wait_for(lambda: (r := officer.post("/funds", json=body)).status_code == 201 and r.json(), 60,
                    message="the unit known to funds")  # fmt: skip
    assert officer.post(f"/funds/{fund['id']}/donations", json=donation_body(5_000_000), headers=key()).ok
    proposed = officer.post(f"/funds/{fund['id']}/disbursements", json=scholarship_body(1_500_000)).json()
    assert chair.post(f"/disbursements/{proposed['id']}/approve", json={}).ok
    assert officer.post(f"/disbursements/{proposed['id']}/pay", json={}, headers=key()).ok


def title_registered(officer, member_id):
    opened = officer.post(f"/units/{COMMUNE}/evaluation-campaigns", json={"year": TODAY.year})
    assert opened.status_code in (201, 409), opened.text
    body = {"title_type": "CONG_DAN_HOC_TAP", "year": TODAY.year, "form_code": "RESIDENT",
            "subject": {"kind": "PERSON", "member_id": member_id}}  # fmt: skip
    headers = key()
    wait_for(lambda: officer.post("/evaluations", json=body, headers=headers).status_code == 201, 60,
             message="the member known to evaluations")  # fmt: skip


@pytest.fixture(scope="module")
def dataset(gateway, members_service, services):
    api = Api(gateway.url, members_service.db_url)
    admin = api.as_officer("ADMIN", COMMUNE)
    officer, chair = api.as_officer("OFFICER", COMMUNE), api.as_officer("OFFICER", COMMUNE)
    unit_a, unit_b = admin.new_unit(COMMUNE, "Chi hội Thôn Đông"), admin.new_unit(COMMUNE, "Chi hội Thôn Tây")
    first = register(officer, unit_a)
    register(admin, unit_a, party_member=True)
    leaving = register(officer, unit_a)
    register(officer, unit_b)
    assert officer.post(f"/members/{leaving}/leave", json={}, headers=key()).status_code == 200
    activity(officer, unit_a, "STUDY_SESSION", 10, 300)
    activity(officer, unit_a, "STUDY_SESSION", 5, 120)
    activity(officer, unit_b, "TRAINING_CLASS", 1, 40)
    fund_with_a_paid_scholarship(officer, chair, unit_a)
    title_registered(officer, first)
    return {"api": api, "officer": officer, "a": unit_a, "b": unit_b}


def report(client, **query):
    return client.get("/reports/review", params={**PERIOD, **query})


def test_the_report_counts_members_activities_funds_and_titles_to_the_unit(dataset):
    whole = documented(report(dataset["officer"]), "review_report").json()
    members, funds = whole["members"], whole["funds"]
    by_kind = {a["kind"]: (a["records"], a["sessions"], a["participants"]) for a in whole["activities"]}
    [title] = [t for t in whole["titles"] if t["title_type"] == "CONG_DAN_HOC_TAP"]
    assert (whole["unit"]["code"], whole["from"], whole["to"]) == (COMMUNE, PERIOD["from"], PERIOD["to"])
    assert (members["at_start"], members["at_end"], members["joined"], members["left"], members["party_members"]) == (
        0,
        3,
        4,
        1,
        1,
    )
    assert (by_kind["STUDY_SESSION"], by_kind["TRAINING_CLASS"], by_kind["CAMPAIGN"]) == (
        (2, 15, 420),
        (1, 1, 40),
        (0, 0, 0),
    )
    assert (funds["raised"], funds["spent"], funds["balance_at_end"], funds["beneficiaries"]) == (
        5_000_000,
        1_500_000,
        3_500_000,
        1,
    )
    assert (title["year"], title["registered"], title["recognised"]) == (TODAY.year, 1, 0)


def test_each_child_unit_has_its_row_and_a_unit_without_money_counts_zero(dataset):
    rows = {row["unit"]["code"]: row for row in report(dataset["officer"]).json()["by_unit"]}
    a, b = rows[dataset["a"]], rows[dataset["b"]]
    assert (a["members"]["at_end"], a["members"]["left"], b["members"]["at_end"]) == (2, 1, 1)
    assert (a["funds"]["raised"], a["funds"]["spent"], b["funds"]["raised"], b["funds"]["balance_at_end"]) == (
        5_000_000,
        1_500_000,
        0,
        0,
    )
    assert sum(act["participants"] for act in a["activities"]) == 420
    assert [(t["registered"]) for t in a["titles"] if t["title_type"] == "CONG_DAN_HOC_TAP"] == [1]


def test_the_report_downloads_as_an_xlsx_workbook(dataset):
    response = report(dataset["officer"], format="xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="bao-cao-so-ket-{COMMUNE}-{PERIOD["from"]}-{PERIOD["to"]}.xlsx"'
    )
    found = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True) if row[0]}
    assert (found["Hội viên cuối kỳ"], found["Huy động trong kỳ"]) == (3, 5_000_000)
    assert len(book["Theo đơn vị"]._charts) == 1


def test_the_report_downloads_as_a_pdf_in_vietnamese(dataset):
    response = report(dataset["officer"], format="pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].endswith('.pdf"')
    assert "BÁO CÁO SƠ KẾT CÔNG TÁC KHUYẾN HỌC" in text and "5.000.000 đ" in text and "Chi hội Thôn Đông" in text


def test_a_bad_period_or_format_is_422_and_a_unit_out_of_scope_is_404(dataset):
    officer = dataset["officer"]
    backwards = documented(report(officer, **{"from": PERIOD["to"], "to": PERIOD["from"]}), "review_report")
    wrong = documented(report(officer, format="docx", **{"from": PERIOD["from"]}), "review_report")
    missing = documented(officer.get("/reports/review", params={"unit": COMMUNE}), "review_report")
    outside = documented(report(officer, unit="00070"), "review_report")
    if PERIOD["from"] != PERIOD["to"]:
        assert (backwards.status_code, list(backwards.json()["fields"])) == (422, ["to"])
    assert (wrong.status_code, list(wrong.json()["fields"])) == (422, ["format"])
    assert (missing.status_code, sorted(missing.json()["fields"])) == (422, ["from", "to"])
    assert (outside.status_code, outside.json()["code"]) == (404, "unit_not_found")


# --- activities (under 00070: the report's commune stays as the dataset left it) -------------------------


def test_an_activity_is_recorded_once_per_key_listed_read_and_deleted(api):
    officer = api.as_officer("OFFICER", "00070")
    body = {"kind": "CAMPAIGN", "title": "Tháng khuyến học", "started_on": TODAY.isoformat(), "participants": 75}
    headers = key()
    first = documented(officer.post("/units/00070/activities", json=body, headers=headers), "record_activity")
    again = officer.post("/units/00070/activities", json=body, headers=headers)
    listed = documented(officer.get("/units/00070/activities", params={"kind": "CAMPAIGN"}), "list_activities").json()
    read = documented(officer.get(f"/activities/{first.json()['id']}"), "get_activity").json()
    deleted = officer.request("DELETE", f"/activities/{first.json()['id']}")
    gone = documented(officer.get(f"/activities/{first.json()['id']}"), "get_activity")
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 201, first.json()["id"])
    assert [item["id"] for item in listed["items"]] == [read["id"]] and read["sessions"] == 1
    assert (read["ended_on"], read["unit_code"]) == (TODAY.isoformat(), "00070")
    assert (deleted.status_code, deleted.content, gone.status_code, gone.json()["code"]) == (
        204,
        b"",
        404,
        "activity_not_found",
    )


def test_a_viewer_may_not_record_and_bad_activities_are_422(api):
    viewer, officer = api.as_officer("VIEWER", "00070"), api.as_officer("OFFICER", "00070")
    body = {"kind": "STUDY_SESSION", "title": "Sinh hoạt", "started_on": TODAY.isoformat(), "participants": 10}
    forbidden = documented(viewer.post("/units/00070/activities", json=body), "record_activity")
    bad = documented(officer.post("/units/00070/activities", json={**body, "kind": "PARTY", "participants": -1}),
                     "record_activity")  # fmt: skip
    backwards = officer.post("/units/00070/activities", json={**body, "ended_on": f"{TODAY.year - 1}-01-01"})
    outside = documented(officer.get("/units/00073/activities"), "list_activities")
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "permission_denied")
    assert (bad.status_code, sorted(bad.json()["fields"])) == (422, ["kind", "participants"])
    assert (backwards.status_code, list(backwards.json()["fields"])) == (422, ["ended_on"])
    assert (outside.status_code, outside.json()["code"]) == (404, "unit_not_found")
