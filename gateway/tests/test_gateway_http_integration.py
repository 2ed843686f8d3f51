"""Provincial systems through a real gateway and members service: client credentials, scopes limited to the
province, the audit log, bulk imports with their error reports, identity verification."""

import csv
import io
import json
import uuid

import pytest
import requests

from gateway.service import GatewayService
from gateway.testing import documented
from members.service import MembersService
from members.testing import Api, member_payload, new_cccd
from servicekit.testing import Running, service_config, start_container, wait_for

pytestmark = pytest.mark.rabbit

OTHER_PROVINCE_COMMUNE = "25747"  # Phường Thủ Dầu Một, TP. Hồ Chí Minh (79)
JWT = {"JWT_SECRET": "test-secret-of-at-least-thirty-two-bytes!", "JWT_TTL_SECONDS": 600}


@pytest.fixture(scope="module")
def stack(amqp_uri, members_module_db_url, tmp_path_factory):
    spool = str(tmp_path_factory.mktemp("spool"))
    members_config, _ = service_config(
        amqp_uri, DATABASE_URL=members_module_db_url, IMPORT_SPOOL_DIR=spool, IMPORT_POLL_SECONDS=0.1,
        OUTBOX_RELAY_INTERVAL_SECONDS=0.2, IMPORT_BATCH_SIZE=3,
    )
    members = start_container(MembersService, members_config)
    gateway_config, gateway_port = service_config(
        amqp_uri, IMPORT_SPOOL_DIR=spool, AUDIT_FLUSH_SECONDS=0.05, CLIENT_RATE_BURST=1000, **JWT
    )
    gateway = start_container(GatewayService, gateway_config)
    yield Running(gateway, gateway_port), members_module_db_url, spool, amqp_uri
    gateway.stop()
    members.stop()


@pytest.fixture
def api(stack):
    gateway, db_url, _, _ = stack
    return Api(gateway.url, db_url)


def new_client(admin, unit_code="01", scopes=("members:read", "members:write", "imports:write")):
    response = admin.post("/clients", json={"name": "Hệ thống LGSP kiểm thử", "unit_code": unit_code,
                                            "scopes": list(scopes)})
    assert response.status_code == 201, response.text
    return response.json()


def token(api, client_id, secret, **form):
    return api.http.post(f"{api.base}/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id,
                                                          "client_secret": secret, **form})


def as_client(api, client, **form):
    response = token(api, client["id"], client["client_secret"], **form)
    assert response.status_code == 200, response.text
    return Api(api.base_url, api.db_url, response.json()["access_token"], requests.Session())


# --- clients and tokens -------------------------------------------------------------------------------


def test_a_client_gets_a_token_with_its_scopes_and_acts_for_its_province(api):
    client = new_client(api.as_officer("ADMIN", "VN"))
    response = documented(token(api, client["id"], client["client_secret"]), "oauth_token")
    assert (response.json()["token_type"], response.json()["scope"]) == (
        "Bearer", "imports:write members:read members:write")
    assert response.headers["Cache-Control"] == "no-store"
    me = as_client(api, client).get("/me").json()
    assert (me["unit_code"], me["role"], me["officer_id"]) == ("01", "OFFICER", f"client:{client['id']}")


def test_http_basic_client_authentication_is_accepted(api):
    client = new_client(api.as_officer("ADMIN", "01"))
    response = api.http.post(f"{api.base}/oauth/token", data={"grant_type": "client_credentials"},
                             auth=(client["id"], client["client_secret"]))
    assert response.status_code == 200, response.text


def test_a_wrong_secret_is_401_invalid_client_in_the_rfc_shape(api):
    client = new_client(api.as_officer("ADMIN", "VN"))
    response = token(api, client["id"], "not the secret")
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert "WWW-Authenticate" in response.headers


def test_an_unknown_grant_type_is_400_unsupported_grant_type(api):
    client = new_client(api.as_officer("ADMIN", "VN"))
    response = token(api, client["id"], client["client_secret"], grant_type="password")
    assert (response.status_code, response.json()["error"]) == (400, "unsupported_grant_type")


def test_after_rotation_the_old_secret_fails_and_the_new_one_works(api):
    admin = api.as_officer("ADMIN", "VN")
    client = new_client(admin)
    rotated = admin.post(f"/clients/{client['id']}/rotate-secret").json()
    assert token(api, client["id"], client["client_secret"]).status_code == 401
    assert token(api, client["id"], rotated["client_secret"]).status_code == 200


def test_a_disabled_client_gets_no_token(api):
    admin = api.as_officer("ADMIN", "VN")
    client = new_client(admin)
    assert admin.post(f"/clients/{client['id']}/disable").json()["active"] is False
    assert token(api, client["id"], client["client_secret"]).json()["error"] == "invalid_client"


def test_a_narrower_scope_can_be_asked_and_a_wider_one_cannot(api):
    client = new_client(api.as_officer("ADMIN", "VN"), scopes=("members:read",))
    assert token(api, client["id"], client["client_secret"], scope="members:write").json()["error"] == "invalid_scope"
    reader = as_client(api, client, scope="members:read")
    assert reader.post("/members", json=member_payload("00070")).status_code == 403


def test_a_provincial_admin_cannot_issue_a_client_for_another_province(api):
    response = api.as_officer("ADMIN", "01").post("/clients", json={"name": "LGSP TP.HCM", "unit_code": "79",
                                                                    "scopes": ["members:read"]})
    assert (response.status_code, response.json()["code"]) == (404, "unit_not_found")


def test_the_secret_is_never_listed(api):
    admin = api.as_officer("ADMIN", "VN")
    new_client(admin)
    assert all("client_secret" not in c for c in admin.get("/clients").json()["items"])


# --- the province's subtree and the routes open to clients ---------------------------------------------


def test_a_client_gets_404_for_another_provinces_units_and_members(api):
    admin = api.as_officer("ADMIN", "VN")
    elsewhere = api.as_officer("OFFICER", OTHER_PROVINCE_COMMUNE).post(
        "/members", json=member_payload(OTHER_PROVINCE_COMMUNE))
    assert elsewhere.status_code == 201, elsewhere.text
    hanoi = as_client(api, new_client(admin, "01"))
    assert hanoi.get(f"/units/{OTHER_PROVINCE_COMMUNE}").status_code == 404
    assert hanoi.get(f"/members/{elsewhere.json()['id']}").status_code == 404
    assert hanoi.post("/members", json=member_payload(OTHER_PROVINCE_COMMUNE)).status_code == 404
    assert hanoi.post("/members", json=member_payload("00070")).status_code == 201


def test_a_client_cannot_reach_officer_or_funds_administration(api):
    client = as_client(api, new_client(api.as_officer("ADMIN", "VN")))
    assert client.get("/officers").status_code == 403
    assert client.get("/clients").status_code == 403


# --- the audit log ------------------------------------------------------------------------------------


def test_every_exchange_of_a_client_is_in_the_audit_log_without_bodies(api):
    admin = api.as_officer("ADMIN", "VN")
    client = new_client(admin, "01")
    hanoi = as_client(api, client)
    member = hanoi.post("/members", json=member_payload("00070")).json()
    hanoi.get(f"/units/{OTHER_PROVINCE_COMMUNE}")

    def records():
        return admin.get("/audit", params={"client_id": client["id"]}).json()["items"]

    items = wait_for(lambda: len(records()) == 3 and records(), message="three audit records")
    assert sorted((r["route"], r["status"]) for r in items) == [
        ("get_unit", 404), ("oauth_token", 200), ("register_member", 201)]
    assert next(r for r in items if r["route"] == "register_member")["member_id"] == member["id"]
    assert "cccd" not in json.dumps(items)


def test_another_provinces_admin_does_not_see_the_clients_audit(api):
    client = new_client(api.as_officer("ADMIN", "VN"), "01")
    as_client(api, client).get("/units/00070")
    other_admin = api.as_officer("ADMIN", "79")
    assert other_admin.get("/audit", params={"client_id": client["id"]}).json()["total"] == 0


# --- imports ------------------------------------------------------------------------------------------

COLUMNS = ["cccd", "full_name", "gender", "birth_year", "phone", "unit_code", "old_commune_code", "consent_given"]


def csv_body(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def good_row(**overrides):
    row = {"cccd": new_cccd(), "full_name": "Trần Thị Bình", "gender": "MALE", "birth_year": 1990,
           "phone": "0912345678", "unit_code": "00070", "consent_given": "có"}
    row["full_name"] = "Trần Văn Bình"
    return {**row, **overrides}


def finished(client, job_id):
    return wait_for(lambda: (job := client.get(f"/imports/{job_id}").json())["state"] == "COMPLETED" and job,
                    timeout=60, message="import completed")


def test_a_csv_import_registers_the_valid_rows_and_reports_the_others(api):
    client = as_client(api, new_client(api.as_officer("ADMIN", "VN"), "01"))
    duplicate = good_row()  # rows 2 and 4 fall in different batches of 3: the second is already registered
    rows = [good_row(), duplicate, good_row(cccd="12345"), dict(duplicate), good_row(unit_code=OTHER_PROVINCE_COMMUNE),
            good_row(unit_code="", old_commune_code="00037"), good_row(consent_given="")]
    response = client.post("/imports", data=csv_body(rows), headers={"Content-Type": "text/csv"})
    assert response.status_code == 202, response.text
    job = finished(client, response.json()["id"])
    assert (job["rows_total"], job["rows_accepted"], job["rows_rejected"]) == (7, 3, 4)
    report = client.get(f"/imports/{job['id']}/errors")
    assert report.headers["Content-Type"].startswith("text/csv")
    errors = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert sorted((e["row"], e["field"], e["code"]) for e in errors) == [
        ("3", "cccd", "cccd_format"), ("4", "cccd", "member_already_registered"), ("5", "unit_code", "unit_not_found"),
        ("7", "consent_given", "consent_required")]
    assert all(e["message"] and e["message_en"] for e in errors)


def test_the_same_file_posted_twice_is_the_same_job(api):
    client = as_client(api, new_client(api.as_officer("ADMIN", "VN"), "01"))
    body = csv_body([good_row()])
    first = client.post("/imports", data=body, headers={"Content-Type": "text/csv"}).json()
    second = client.post("/imports", files={"file": ("members.csv", body, "text/csv")}).json()
    assert first["id"] == second["id"]


def test_a_json_array_import_reports_errors_in_json(api):
    officer = api.as_officer("OFFICER", "00070")
    rows = [member_payload("00070"), {**member_payload("00070"), "gender": "X"}]
    response = officer.post("/imports", data=json.dumps(rows), headers={"Content-Type": "application/json"})
    job = finished(officer, response.json()["id"])
    assert (job["format"], job["rows_accepted"], job["rows_rejected"]) == ("JSON", 1, 1)
    [error] = officer.get(f"/imports/{job['id']}/errors").json()
    assert (error["row"], error["field"], error["code"]) == (2, "gender", "not_allowed_value")


def test_an_xlsx_import_reports_errors_in_xlsx(api):
    from openpyxl import Workbook, load_workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in (good_row(), good_row(birth_year=1890)):
        sheet.append([row.get(c) for c in COLUMNS])
    body = io.BytesIO()
    workbook.save(body)
    officer = api.as_officer("OFFICER", "00070")
    response = officer.post("/imports", files={"file": ("members.xlsx", body.getvalue())})
    job = finished(officer, response.json()["id"])
    assert (job["format"], job["rows_accepted"], job["rows_rejected"]) == ("XLSX", 1, 1)
    report = load_workbook(io.BytesIO(officer.get(f"/imports/{job['id']}/errors").content))
    assert [list(r)[:3] for r in report.active.iter_rows(min_row=2, values_only=True)] == [
        [2, "cccd", "cccd_century_mismatch"], [2, "birth_year", "birth_year_implausible"]]


def test_an_unknown_upload_type_is_415(api):
    officer = api.as_officer("OFFICER", "00070")
    response = officer.post("/imports", data=b"GIF89a", headers={"Content-Type": "image/gif"})
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_another_officer_outside_the_subtree_cannot_follow_the_job(api):
    officer = api.as_officer("OFFICER", "00070")
    job = officer.post("/imports", data=csv_body([good_row()]), headers={"Content-Type": "text/csv"}).json()
    assert api.as_officer("ADMIN", "79").get(f"/imports/{job['id']}").status_code == 404
    assert api.as_officer("ADMIN", "01").get(f"/imports/{job['id']}").status_code == 200


# --- identity verification ----------------------------------------------------------------------------


def qr_of(member_cccd, name="Nguyễn Văn An", birth="01011990", gender="Nam"):
    return f"{member_cccd}||{name}|{birth}|{gender}|Số 1 Hàng Trống, Hoàn Kiếm, Hà Nội|01012022"


def test_a_qr_code_that_matches_the_record_verifies_the_member(api):
    officer = api.as_officer("OFFICER", "00070")
    payload = member_payload("00070", birth_date="1990-01-01")
    member = officer.post("/members", json=payload).json()
    answer = officer.post(f"/members/{member['id']}/verify", json={"method": "CCCD_QR",
                                                                    "qr_text": qr_of(payload["cccd"])})
    assert (answer.status_code, answer.json()["status"]) == (200, "VERIFIED"), answer.text
    assert officer.get(f"/members/{member['id']}/verification").json()["verified_by"] == officer.username


def test_a_qr_code_of_someone_else_is_a_mismatch_with_reasons(api):
    officer = api.as_officer("OFFICER", "00070")
    payload = member_payload("00070", birth_date="1990-01-01")
    member = officer.post("/members", json=payload).json()
    answer = officer.post(f"/members/{member['id']}/verify", json={
        "method": "CCCD_QR", "qr_text": qr_of(payload["cccd"], name="Lê Thị Hoa", gender="Nữ")}).json()
    assert (answer["status"], sorted(r["code"] for r in answer["reasons"])) == (
        "MISMATCH", ["full_name_differs", "gender_differs"])


def test_text_that_is_not_a_cccd_qr_code_is_422(api):
    officer = api.as_officer("OFFICER", "00070")
    member = officer.post("/members", json=member_payload("00070")).json()
    answer = officer.post(f"/members/{member['id']}/verify", json={"method": "CCCD_QR", "qr_text": "hello"})
    assert (answer.status_code, answer.json()["code"]) == (422, "cccd_qr_invalid")


def test_manual_verification_records_who_verified(api):
    officer = api.as_officer("OFFICER", "00070")
    member = officer.post("/members", json=member_payload("00070")).json()
    answer = officer.post(f"/members/{member['id']}/verify", json={"method": "MANUAL"}).json()
    assert (answer["status"], answer["method"], answer["verified_by"]) == ("VERIFIED", "MANUAL", officer.username)


def test_unknown_ids_are_404(api):
    officer = api.as_officer("OFFICER", "00070")
    assert officer.get(f"/imports/{uuid.uuid4()}").status_code == 404
