"""Members through the gateway and the real members service: the record's life, validation, scope and
Idempotency-Key replays. Every answer is checked against the OpenAPI document."""

import uuid

import pytest

from gateway.testing import documented
from members.testing import member_payload

pytestmark = pytest.mark.rabbit




@pytest.fixture
def officer(api):
    return api.as_officer("OFFICER", "00070")


def register(officer, key=None, **overrides):
    headers = {"Idempotency-Key": key} if key else {}
    return documented(officer.post("/members", json=member_payload(**overrides), headers=headers),
                      "register_member")


def test_a_registered_member_is_read_back_masked_with_its_history(officer):
    member = register(officer, full_name="Nguyễn Thị Hoa", gender="FEMALE", birth_year=1985).json()
    read = documented(officer.get(f"/members/{member['id']}"), "get_member").json()
    assert read["full_name"] == "Nguyễn Thị Hoa" and read["status"] == "ACTIVE"
    assert "*" in read["cccd_masked"] and [h["unit_code"] for h in read["history"]] == ["00070"]


def test_a_member_is_found_by_name_without_diacritics(officer):
    member = register(officer, full_name="Trần Thị Quỳnh Hương", gender="FEMALE").json()
    page = documented(officer.get("/members", params={"q": "quynh huong"}), "search_members").json()
    assert member["id"] in [item["id"] for item in page["items"]]


def test_a_member_is_updated_transferred_and_leaves_once(api, officer):
    member_id = register(officer).json()["id"]
    updated = documented(officer.patch(f"/members/{member_id}", json={"full_name": "Lê Văn Bình"}), "update_member")
    unit = api.new_unit("00070", "Chi hội Tổ dân phố số 9")
    moved = documented(officer.post(f"/members/{member_id}/transfer", json={"to_unit_code": unit}),
                       "transfer_member")
    left = documented(officer.post(f"/members/{member_id}/leave", json={}), "leave_member")
    again = documented(officer.post(f"/members/{member_id}/leave", json={}), "leave_member")
    assert updated.json()["full_name"] == "Lê Văn Bình" and moved.json()["unit_code"] == unit
    assert left.json()["status"] == "LEFT"
    assert (again.status_code, again.json()["code"]) == (409, "transition_rejected")


def test_a_cccd_that_contradicts_the_birth_year_is_422_with_its_field_code(officer):
    payload = member_payload(birth_year=1990)
    payload["cccd"] = payload["cccd"][:4] + "75" + payload["cccd"][6:]
    response = documented(officer.post("/members", json=payload), "register_member")
    assert response.status_code == 422
    assert "cccd_birth_year_mismatch" in [error["code"] for error in response.json()["fields"]["cccd"]]


def test_a_cccd_of_the_wrong_length_is_422_cccd_format(officer):
    response = register(officer, cccd="12345")
    assert response.status_code == 422 and response.json()["fields"]["cccd"][0]["code"] == "cccd_format"


def test_missing_fields_are_422_required_before_reaching_the_service(officer):
    response = documented(officer.post("/members", json={"full_name": "An"}), "register_member")
    fields = response.json()["fields"]
    assert response.status_code == 422
    assert {fields[name][0]["code"] for name in ("cccd", "gender", "unit_code", "consent")} == {"required"}


def test_the_same_cccd_twice_is_409_member_already_registered(officer):
    cccd = member_payload()["cccd"]
    assert register(officer, cccd=cccd).status_code == 201
    response = register(officer, cccd=cccd)
    assert (response.status_code, response.json()["code"]) == (409, "member_already_registered")


def test_a_repeated_idempotency_key_replays_the_same_member(officer):
    key = f"register-{uuid.uuid4()}"
    payload = member_payload()
    first = documented(officer.post("/members", json=payload, headers={"Idempotency-Key": key}), "register_member")
    second = documented(officer.post("/members", json=payload, headers={"Idempotency-Key": key}), "register_member")
    assert first.status_code == second.status_code == 201 and first.json() == second.json()


def test_an_idempotency_key_reused_with_another_body_is_409(officer):
    key = f"register-{uuid.uuid4()}"
    assert register(officer, key).status_code == 201
    response = register(officer, key)
    assert (response.status_code, response.json()["code"]) == (409, "idempotency_key_reused")


def test_an_invalid_idempotency_key_is_400(officer):
    response = register(officer, "x" * 201)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_idempotency_key")


def test_a_member_outside_the_officers_subtree_is_404(api, officer):
    member_id = register(officer).json()["id"]
    other_commune = api.as_officer("OFFICER", "00004")
    response = documented(other_commune.get(f"/members/{member_id}"), "get_member")
    assert (response.status_code, response.json()["code"]) == (404, "member_not_found")


def test_an_unknown_member_id_is_404(officer):
    response = documented(officer.get(f"/members/{uuid.uuid4()}"), "get_member")
    assert (response.status_code, response.json()["code"]) == (404, "member_not_found")
    assert officer.get("/members/not-a-uuid").status_code == 404


def test_a_viewer_reads_members_but_cannot_change_them(api, officer):
    member_id = register(officer).json()["id"]
    viewer = api.as_officer("VIEWER", "00070")
    assert documented(viewer.get(f"/members/{member_id}"), "get_member").status_code == 200
    response = documented(viewer.patch(f"/members/{member_id}", json={"full_name": "X"}), "update_member")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_a_member_who_left_rejoins_over_http(officer):
    member_id = register(officer).json()["id"]
    documented(officer.post(f"/members/{member_id}/leave", json={}), "leave_member")
    body = {"unit_code": "00070", "consent": {"given": True, "channel": "ONLINE_FORM"}}
    rejoined = documented(officer.post(f"/members/{member_id}/rejoin", json=body), "rejoin_member")
    again = documented(officer.post(f"/members/{member_id}/rejoin", json=body), "rejoin_member")
    assert (rejoined.status_code, rejoined.json()["status"]) == (200, "ACTIVE")
    assert (again.status_code, again.json()["code"]) == (409, "transition_rejected")
