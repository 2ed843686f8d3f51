"""Transfers between funds and reversals on a real database."""

import uuid

import pytest

from contracts.funds import (
    FundTransferSchema,
    InsufficientFunds,
    ReversalRejected,
    ReverseTransferSchema,
    TransferNotFound,
)
from funds.testing import make_actor
from funds.usecases import transfers


@pytest.fixture
def province_admin():
    return make_actor("ADMIN", "01")


@pytest.fixture
def grant(uow, province_admin):
    def grant(source, target, amount_vnd, by=None, transfer_id=None, purpose=None):
        body = {"from_fund_id": source["id"], "to_fund_id": target["id"], "amount_vnd": amount_vnd}
        if purpose:
            body["purpose"] = purpose
        command = FundTransferSchema().load(body)
        return transfers.transfer_between_funds(uow(), by or province_admin, command, transfer_id or str(uuid.uuid4()))

    return grant


@pytest.fixture
def reverse(uow, officer):
    def reverse(original_id, by=None, transfer_id=None):
        command = ReverseTransferSchema().load({"reason": "Ghi nhầm số tiền"})
        return transfers.reverse_transfer(uow(), by or officer, original_id, command, transfer_id or str(uuid.uuid4()))

    return reverse


def test_a_province_grants_to_a_commune_in_one_transfer_of_four_postings(
    new_fund, donate, grant, get_fund, province_admin, events
):
    province, commune = new_fund("01", by=province_admin), new_fund("00070")
    donate(province["id"], 10_000_000, by=province_admin)
    transfer = grant(province, commune, 4_000_000)
    assert len(transfer["postings"]) == 4
    assert get_fund(province["id"])["balance"]["cash_vnd"] == 6_000_000
    assert get_fund(commune["id"])["balance"]["transfers_in_vnd"] == 4_000_000
    assert events("fund_transfer_completed")[0]["payload"]["to_unit_code"] == "00070"


def test_a_commune_may_return_money_to_a_fund_it_cannot_see(new_fund, donate, grant, officer, province_admin):
    province, commune = new_fund("01", by=province_admin), new_fund("00070")
    donate(commune["id"], 1_000_000)
    assert grant(commune, province, 1_000_000, by=officer)["counter_fund_id"] == province["id"]


def test_a_grant_larger_than_the_money_moves_nothing(new_fund, donate, grant, get_fund, province_admin, count):
    province, commune = new_fund("01", by=province_admin), new_fund("00070")
    donate(province["id"], 1_000_000, by=province_admin)
    with pytest.raises(InsufficientFunds):
        grant(province, commune, 1_000_001)
    assert get_fund(commune["id"])["balance"]["cash_vnd"] == 0 and count("transfers", kind="fund_transfer") == 0


def test_a_reversal_mirrors_the_original_and_restores_the_balance(new_fund, donate, reverse, get_fund):
    fund = new_fund()
    donate(fund["id"], 1_000_000)
    wrong = donate(fund["id"], 9_000_000)
    reversal = reverse(wrong["id"])
    assert reversal["reverses"] == wrong["id"] and get_fund(fund["id"])["balance"]["cash_vnd"] == 1_000_000
    assert {(p["debit_vnd"], p["credit_vnd"]) for p in reversal["postings"]} == {(0, 9_000_000), (9_000_000, 0)}


def test_a_transfer_is_reversed_once(new_fund, donate, reverse):
    donation = donate(new_fund()["id"])
    reverse(donation["id"])
    with pytest.raises(ReversalRejected) as refused:
        reverse(donation["id"])
    assert refused.value.reason == "already_reversed"


def test_a_reversal_is_not_reversed(new_fund, donate, reverse):
    reversal = reverse(donate(new_fund()["id"])["id"])
    with pytest.raises(ReversalRejected) as refused:
        reverse(reversal["id"])
    assert refused.value.reason == "original_is_reversal"


def test_a_donation_already_spent_cannot_be_reversed(new_fund, donate, grant, reverse, officer, province_admin):
    commune, province = new_fund("00070"), new_fund("01", by=province_admin)
    donation = donate(commune["id"], 1_000_000)
    grant(commune, province, 600_000, by=officer)
    with pytest.raises(InsufficientFunds):
        reverse(donation["id"])


def test_a_transfer_of_another_subtree_is_not_found(new_fund, donate, reverse):
    donation = donate(new_fund()["id"])
    with pytest.raises(TransferNotFound):
        reverse(donation["id"], by=make_actor("OFFICER", "00073"))
