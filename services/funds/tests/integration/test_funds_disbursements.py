"""The disbursement workflow on a real database: proposed, approved by another officer, paid from the
money of its purpose or rejected; every refusal leaves the status and the ledger as they were."""

import uuid

import pytest

from contracts.funds import (
    ApproveDisbursementSchema,
    ApproverIsProposer,
    DisbursementNotFound,
    DisbursementRejected,
    InsufficientFunds,
    PayDisbursementSchema,
    ProposeDisbursementSchema,
    RejectDisbursementSchema,
)
from funds.testing import make_actor, scholarship_body
from funds.usecases import disbursements as flow

POOR_PUPILS = "SCHOLARSHIP_POOR_PUPILS"


@pytest.fixture
def chair():
    """A second officer of 00070: approves what ``officer`` proposes."""
    return make_actor("OFFICER", "00070")


@pytest.fixture
def propose(uow, officer):
    def propose(fund_id, amount_vnd=500_000, purpose=None, by=None, key=None):
        command = ProposeDisbursementSchema().load(scholarship_body(amount_vnd, purpose))
        return flow.propose_disbursement(uow(), by or officer, fund_id, command, key)

    return propose


@pytest.fixture
def approve(uow, chair):
    def approve(d, by=None):
        return flow.approve_disbursement(uow(), by or chair, d["id"], ApproveDisbursementSchema().load({}))

    return approve


@pytest.fixture
def pay(uow, officer):
    def pay(d, transfer_id=None, by=None):
        command = PayDisbursementSchema().load({})
        return flow.pay_disbursement(uow(), by or officer, d["id"], command, transfer_id or str(uuid.uuid4()))

    return pay


def test_a_scholarship_is_proposed_approved_and_paid_from_its_purposes_money(
    new_fund, donate, propose, approve, pay, get_fund, events
):
    fund = new_fund()
    donate(fund["id"], 2_000_000, purpose=POOR_PUPILS)
    proposed = propose(fund["id"], 1_500_000, POOR_PUPILS)
    approved = approve(proposed)
    paid = pay(approved)
    balance = get_fund(fund["id"])["balance"]
    assert [proposed["status"], approved["status"], paid["status"]] == ["PROPOSED", "APPROVED", "PAID"]
    assert (balance["cash_vnd"], balance["disbursements_vnd"]) == (500_000, 1_500_000)
    assert [e["event_type"] for e in events()][-3:] == [
        "disbursement_requested", "disbursement_approved", "disbursement_paid"]


def test_the_proposer_cannot_approve(new_fund, propose, approve, officer):
    proposed = propose(new_fund()["id"])
    with pytest.raises(ApproverIsProposer):
        approve(proposed, by=officer)


def test_payment_before_approval_is_rejected(new_fund, donate, propose, pay, count):
    fund = new_fund()
    donate(fund["id"], 2_000_000)
    with pytest.raises(DisbursementRejected):
        pay(propose(fund["id"]))
    assert count("transfers", kind="disbursement_payment") == 0


def test_restricted_money_does_not_pay_an_unrestricted_disbursement(
    new_fund, donate, propose, approve, pay, rows
):
    fund = new_fund()
    donate(fund["id"], 2_000_000, purpose=POOR_PUPILS)
    approved = approve(propose(fund["id"], 1_000_000))
    with pytest.raises(InsufficientFunds):
        pay(approved)
    (row,) = rows("disbursements", status="APPROVED")
    assert row["paid_transfer_id"] is None


def test_paying_twice_with_the_same_id_replays_and_with_another_id_is_rejected(
    new_fund, donate, propose, approve, pay, count
):
    fund = new_fund()
    donate(fund["id"], 2_000_000)
    approved, transfer_id = approve(propose(fund["id"])), str(uuid.uuid4())
    assert pay(approved, transfer_id) == pay(approved, transfer_id)
    with pytest.raises(DisbursementRejected):
        pay(approved)
    assert count("transfers", kind="disbursement_payment") == 1


def test_a_rejected_disbursement_cannot_be_approved(uow, officer, new_fund, propose, approve):
    proposed = propose(new_fund()["id"])
    rejected = flow.reject_disbursement(
        uow(), officer, proposed["id"], RejectDisbursementSchema().load({"reason": "Hồ sơ chưa đủ"}))
    with pytest.raises(DisbursementRejected):
        approve(proposed)
    assert (rejected["status"], rejected["rejection_reason"]) == ("REJECTED", "Hồ sơ chưa đủ")


def test_a_proposal_with_the_same_key_is_made_once(new_fund, propose, count):
    fund, key = new_fund(), f"p-{uuid.uuid4()}"
    assert propose(fund["id"], key=key) == propose(fund["id"], key=key)
    assert count("disbursements") == 1


def test_another_communes_officer_cannot_see_the_disbursement(new_fund, propose, approve):
    proposed = propose(new_fund()["id"])
    with pytest.raises(DisbursementNotFound):
        approve(proposed, by=make_actor("OFFICER", "00073"))


def test_the_service_view_names_the_officers_concerned(uow, new_fund, propose, approve, officer, chair):
    approved = approve(propose(new_fund()["id"]))
    view = flow.disbursement_view(uow(), approved["id"])
    assert (view["proposed_by"], view["approved_by"]) == (officer["officer_id"], chair["officer_id"])
