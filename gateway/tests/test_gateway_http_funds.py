"""Funds through the gateway and the real funds and members services: a commune officer records a
donation, proposes a scholarship that another officer approves, pays it and reads the statement; the
refusals on the way. Every answer is checked against the OpenAPI document."""

import uuid
from datetime import date, timedelta

import pytest

from funds.testing import donation_body, scholarship_body
from gateway.testing import documented
from servicekit.testing import Running, service_config, start_container, wait_for

pytestmark = pytest.mark.rabbit


@pytest.fixture(scope="module")
def funds_service(request, amqp_uri, members_module_db_url, databases):
    """The funds service on the same backend as the module's members service (one run per backend)."""
    from funds.service import FundsService

    backend = "postgres" if members_module_db_url.startswith("postgresql") else "sqlite"
    database = databases.fresh(request, "funds", backend)
    url = next(database)
    config, port = service_config(amqp_uri, DATABASE_URL=url, OUTBOX_RELAY_INTERVAL_SECONDS=0.2)
    container = start_container(FundsService, config)
    yield Running(container, port)
    container.stop()
    database.close()


@pytest.fixture
def officer(api, funds_service):
    return api.as_officer("OFFICER", "00070")


@pytest.fixture
def chair(api, funds_service):
    return api.as_officer("OFFICER", "00070")


def key():
    return str(uuid.uuid4())


def new_fund(client, unit_code="00070", **fields):
    body = {"unit_code": unit_code, "name": "Quỹ khuyến học Phường Hoàn Kiếm", "kind": "GENERAL", **fields}
    response = documented(client.post("/funds", json=body), "create_fund")
    assert response.status_code == 201, response.text
    return response.json()


def donate(client, fund, amount_vnd=5_000_000, transfer_id=None, **fields):
    headers = {"Idempotency-Key": transfer_id or key()}
    body = donation_body(amount_vnd, **fields)
    return documented(client.post(f"/funds/{fund['id']}/donations", json=body, headers=headers), "record_donation")


def propose(client, fund, amount_vnd=1_500_000, **fields):
    body = scholarship_body(amount_vnd, **fields)
    return documented(client.post(f"/funds/{fund['id']}/disbursements", json=body), "propose_disbursement")


def step(client, disbursement, action, headers=None, **body):
    response = client.post(f"/disbursements/{disbursement['id']}/{action}", json=body, headers=headers or {})
    return documented(response, f"{action}_disbursement")


def pay(client, disbursement, transfer_id=None):
    return step(client, disbursement, "pay", {"Idempotency-Key": transfer_id or key()})


def test_an_officer_records_proposes_another_approves_pays_and_the_statement_adds_up(officer, chair):
    fund = new_fund(officer)
    assert donate(officer, fund, 5_000_000, purpose="SCHOLARSHIP_POOR_PUPILS").status_code == 201
    proposed = propose(officer, fund, 1_500_000, purpose="SCHOLARSHIP_POOR_PUPILS").json()
    approved = step(chair, proposed, "approve")
    paid = pay(officer, approved.json())
    today = date.today()
    period = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    statement = documented(officer.get(f"/funds/{fund['id']}/statement", params=period), "fund_statement").json()
    assert (approved.status_code, paid.status_code, paid.json()["status"]) == (200, 200, "PAID")
    assert (statement["receipts_vnd"], statement["disbursements_vnd"]) == (5_000_000, 1_500_000)
    assert statement["opening_balance_vnd"] + 5_000_000 - 1_500_000 == statement["closing_balance_vnd"] == 3_500_000


def test_the_same_key_replays_the_donation_and_another_body_under_it_is_409(officer):
    fund, transfer_id = new_fund(officer), key()
    first, again = donate(officer, fund, 700_000, transfer_id), donate(officer, fund, 700_000, transfer_id)
    other = donate(officer, fund, 800_000, transfer_id)
    balance = documented(officer.get(f"/funds/{fund['id']}"), "get_fund").json()["balance"]
    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    assert (other.status_code, other.json()["code"], balance["cash_vnd"]) == (409, "transfer_id_reused", 700_000)


def test_money_routes_without_an_idempotency_key_are_400(officer):
    fund = new_fund(officer)
    response = documented(officer.post(f"/funds/{fund['id']}/donations", json=donation_body()), "record_donation")
    transfer = documented(officer.post("/fund-transfers", json={}), "transfer_between_funds")
    assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_required")
    assert (transfer.status_code, transfer.json()["code"]) == (400, "idempotency_key_required")


def test_the_proposer_cannot_approve_and_nothing_is_paid_before_approval(officer):
    fund = new_fund(officer)
    donate(officer, fund, 5_000_000)
    proposed = propose(officer, fund).json()
    approve, early = step(officer, proposed, "approve"), pay(officer, proposed)
    assert (approve.status_code, approve.json()["code"]) == (409, "approver_is_proposer")
    assert (early.status_code, early.json()["code"]) == (409, "transition_rejected")


def test_paying_more_than_the_fund_holds_is_409_and_the_disbursement_stays_approved(officer, chair):
    fund = new_fund(officer)
    donate(officer, fund, 1_000_000)
    approved = step(chair, propose(officer, fund, 1_000_001).json(), "approve").json()
    refused = pay(officer, approved)
    listed = documented(officer.get(f"/funds/{fund['id']}/disbursements"), "list_disbursements").json()
    assert (refused.status_code, refused.json()["code"]) == (409, "insufficient_funds")
    assert [d["status"] for d in listed["items"]] == ["APPROVED"]


def test_a_rejected_disbursement_cannot_be_paid(officer, chair):
    fund = new_fund(officer)
    rejected = step(chair, propose(officer, fund).json(), "reject", reason="Thiếu hồ sơ")
    assert (rejected.status_code, rejected.json()["status"]) == (200, "REJECTED")
    assert pay(officer, rejected.json()).json()["code"] == "transition_rejected"


def test_a_fund_outside_the_subtree_is_404_and_a_viewer_may_not_write(api, officer):
    fund = new_fund(officer)
    outsider, viewer = api.as_officer("OFFICER", "00073"), api.as_officer("VIEWER", "00070")
    hidden = documented(outsider.get(f"/funds/{fund['id']}"), "get_fund")
    forbidden = donate(viewer, fund)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "fund_not_found")
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "permission_denied")
    assert documented(viewer.get(f"/funds/{fund['id']}"), "get_fund").status_code == 200


def test_bad_bodies_are_422_with_a_code_per_field_and_bad_json_is_400(officer):
    fund = new_fund(officer)
    bad = donate(officer, fund, -5, channel="CHEQUE", donor_name=None, surprise=1)
    malformed = officer.post(f"/funds/{fund['id']}/donations", data="{", headers={
        "Idempotency-Key": key(), "Content-Type": "application/json"})
    fields = bad.json()["fields"]
    assert bad.status_code == 422 and fields["amount_vnd"][0]["code"] == "out_of_range"
    assert (fields["channel"][0]["code"], fields["surprise"][0]["code"]) == ("not_allowed_value", "unknown_field")
    assert (malformed.status_code, malformed.json()["code"]) == (400, "malformed_json")


def test_a_donation_with_a_purpose_the_ledger_refuses_is_422_not_500(officer):
    response = donate(officer, new_fund(officer), purpose="học bổng")
    assert (response.status_code, response.json()["fields"]["purpose"][0]["code"]) == (422, "invalid_format")


def test_a_province_grants_to_a_commune_and_both_see_it(api, officer):
    province = api.as_officer("ADMIN", "01")
    source, target = new_fund(province, "01", name="Quỹ khuyến học Thành phố"), new_fund(officer)
    donate(province, source, 10_000_000)
    body = {"from_fund_id": source["id"], "to_fund_id": target["id"], "amount_vnd": 4_000_000}
    grant = documented(province.post("/fund-transfers", json=body, headers={"Idempotency-Key": key()}),
                       "transfer_between_funds")
    summary = documented(province.get("/units/01/funds/summary", params={"from": "2000-01-01", "to": "2100-01-01"}),
                         "unit_funds_summary").json()
    assert grant.status_code == 201 and len(grant.json()["postings"]) == 4
    assert documented(officer.get(f"/funds/{target['id']}"), "get_fund").json()["balance"]["cash_vnd"] == 4_000_000
    assert "00070" in [child["unit_code"] for child in summary["by_child_unit"]]


def test_a_donation_is_reversed_once_and_its_receipt_says_so(officer):
    fund = new_fund(officer)
    donation = donate(officer, fund, 900_000).json()
    headers = {"Idempotency-Key": key()}
    first = documented(officer.post(f"/transfers/{donation['id']}/reverse", json={"reason": "Ghi trùng"},
                                    headers=headers), "reverse_transfer")
    second = documented(officer.post(f"/transfers/{donation['id']}/reverse", json={"reason": "Ghi trùng"},
                                     headers={"Idempotency-Key": key()}), "reverse_transfer")
    receipt = documented(officer.get(f"/donations/{donation['id']}/receipt"), "donation_receipt").json()
    assert first.status_code == 201 and (second.status_code, second.json()["code"]) == (409, "reversal_rejected")
    assert receipt["reversed"] is True and receipt["amount_text"] == "900.000 đồng"


def test_the_disclosure_lists_donors_by_name_and_never_their_contact(officer):
    fund = new_fund(officer)
    donate(officer, fund, 300_000, donor_name="Công ty TNHH Sao Mai", donor_kind="ORGANISATION",
           donor_email="lienhe@saomai.vn")
    today = date.today()
    period = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    disclosure = documented(officer.get("/units/00070/disclosure", params=period), "unit_disclosure")
    assert "Công ty TNHH Sao Mai" in [r["donor"] for r in disclosure.json()["receipts"]]
    assert "saomai.vn" not in disclosure.text


def test_a_grassroots_unit_created_in_members_can_own_a_fund(api, officer):
    unit_code = api.new_unit("00070", "Chi hội Trường Tiểu học Tràng Thi")

    def created():
        response = officer.post("/funds", json={"unit_code": unit_code, "name": "Quỹ khuyến học chi hội",
                                                "kind": "SCHOOL"})
        return response if response.status_code == 201 else None

    assert wait_for(created, timeout=20, message="the fund of the new unit").json()["unit_code"] == unit_code
