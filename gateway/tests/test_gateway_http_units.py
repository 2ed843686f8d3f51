"""Units, statistics and officer accounts through the gateway and the real members service. Every
answer is checked against the OpenAPI document."""

import uuid
from datetime import date, timedelta

import pytest

from gateway.testing import documented
from members.testing import Api, member_payload

pytestmark = pytest.mark.rabbit




@pytest.fixture
def admin(api):
    return api.as_officer("ADMIN", "00070")


def new_unit(admin, key=None, name="Chi hội Thôn Đông"):
    body = {"parent_code": "00070", "name": name, "kind": "VILLAGE"}
    return documented(admin.post("/units", json=body, headers={"Idempotency-Key": key} if key else {}),
                      "create_unit")


def test_an_officer_lists_and_reads_the_units_of_their_subtree(api):
    viewer = api.as_officer("VIEWER", "01")
    page = documented(viewer.get("/units", params={"parent_code": "01", "page_size": 5}), "list_units").json()
    unit = documented(viewer.get("/units/00070"), "get_unit").json()
    assert len(page["items"]) == 5 and page["total"] > 5
    assert (unit["code"], unit["level"], unit["parent_code"]) == ("00070", "COMMUNE", "01")


def test_a_unit_outside_the_subtree_is_404(api):
    response = documented(api.as_officer("VIEWER", "00070").get("/units/00004"), "get_unit")
    assert (response.status_code, response.json()["code"]) == (404, "unit_not_found")


def test_an_administrator_creates_a_grassroots_unit_once_per_idempotency_key(admin):
    key = f"unit-{uuid.uuid4()}"
    first, second = new_unit(admin, key), new_unit(admin, key)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert first.json()["code"].startswith("00070-G") and first.json()["level"] == "GRASSROOTS"


def test_statistics_count_the_members_who_joined_in_the_period(api, admin):
    unit = new_unit(admin).json()["code"]
    officer = api.as_officer("OFFICER", "00070")
    assert officer.post("/members", json=member_payload(unit)).status_code == 201
    # The service dates joins in Vietnam (UTC+7); this machine's date may be a day behind it.
    day = timedelta(days=1)
    period = {"from": (date.today() - day).isoformat(), "to": (date.today() + day).isoformat()}
    response = documented(officer.get(f"/units/{unit}/statistics", params=period), "unit_statistics")
    assert (response.json()["joined_in_period"], response.json()["members_at_end"]) == (1, 1)


def test_a_period_that_ends_before_it_starts_is_422(admin):
    response = documented(admin.get("/units/00070/statistics", params={"from": "2025-02-01", "to": "2025-01-01"}),
                          "unit_statistics")
    assert response.status_code == 422 and response.json()["fields"]["to"][0]["code"] == "period_reversed"


def test_an_administrator_creates_an_officer_who_can_then_sign_in(api, admin):
    username = f"t.new.{uuid.uuid4().hex[:8]}"
    body = {"username": username, "full_name": "Phạm Minh Tuấn", "password": Api.password, "role": "VIEWER",
            "unit_code": "00070"}
    created = documented(admin.post("/officers", json=body), "create_officer")
    listed = documented(admin.get("/officers"), "list_officers").json()["items"]
    login = api.http.post(f"{api.base}/auth/login", json={"username": username, "password": Api.password})
    assert created.status_code == 201 and "password" not in created.json()
    assert username in [officer["username"] for officer in listed] and login.status_code == 200


def test_a_taken_username_is_409(admin):
    body = {"username": f"t.dup.{uuid.uuid4().hex[:8]}", "full_name": "Đỗ Hà", "password": Api.password,
            "role": "VIEWER", "unit_code": "00070"}
    assert admin.post("/officers", json=body).status_code == 201
    response = documented(admin.post("/officers", json=body), "create_officer")
    assert (response.status_code, response.json()["code"]) == (409, "officer_already_exists")
