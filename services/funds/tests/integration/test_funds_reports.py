"""Reports on a real database: a fund's statement, a subtree's roll-up, the public disclosure list."""

import uuid
from datetime import date, timedelta

import pytest

from contracts.errors import UnitNotFound
from contracts.funds import (
    ApproveDisbursementSchema,
    FundTransferSchema,
    PayDisbursementSchema,
    PeriodQuerySchema,
    ProposeDisbursementSchema,
    ReverseTransferSchema,
)
from funds.testing import make_actor, scholarship_body
from funds.usecases import disbursements, reports, transfers
from funds.usecases.common import today

TODAY = today()
LAST_MONTH = TODAY - timedelta(days=40)


def period(date_from, date_to):
    return PeriodQuerySchema().load({"from": date_from.isoformat(), "to": date_to.isoformat()})


@pytest.fixture
def history(uow, officer, new_fund, donate):
    """A commune fund with a donation last month, then this period: a bank transfer and a cash
    donation (one reversed), a scholarship paid and a grant from the province."""
    province_admin, chair = make_actor("ADMIN", "01"), make_actor("OFFICER", "00070")
    fund, province = new_fund(), new_fund("01", by=province_admin, name="Quỹ khuyến học thành phố")
    donate(fund["id"], 3_000_000, received_on=LAST_MONTH.isoformat())
    donate(fund["id"], 2_000_000, channel="BANK_TRANSFER", purpose="SCHOLARSHIP_POOR_PUPILS")
    wrong = donate(fund["id"], 700_000)
    correction = ReverseTransferSchema().load({"reason": "Ghi trùng"})
    transfers.reverse_transfer(uow(), officer, wrong["id"], correction, "r-" + wrong["id"])
    proposed = disbursements.propose_disbursement(
        uow(), officer, fund["id"], ProposeDisbursementSchema().load(scholarship_body(1_500_000)))
    disbursements.approve_disbursement(uow(), chair, proposed["id"], ApproveDisbursementSchema().load({}))
    disbursements.pay_disbursement(uow(), officer, proposed["id"], PayDisbursementSchema().load({}), str(uuid.uuid4()))
    donate(province["id"], 9_000_000, by=province_admin)
    grant = {"from_fund_id": province["id"], "to_fund_id": fund["id"], "amount_vnd": 4_000_000}
    transfers.transfer_between_funds(uow(), province_admin, FundTransferSchema().load(grant), str(uuid.uuid4()))
    return fund, province, province_admin


def test_a_statement_adds_up_from_opening_through_the_flows_to_closing(uow, officer, history):
    fund = history[0]
    statement = reports.fund_statement(uow(), officer, fund["id"], period(TODAY - timedelta(days=7), TODAY))
    flows = (statement["receipts_vnd"] - statement["disbursements_vnd"] + statement["transfers_in_vnd"]
             - statement["transfers_out_vnd"] + statement["reversals_vnd"])
    assert statement["opening_balance_vnd"] == 3_000_000
    assert statement["opening_balance_vnd"] + flows == statement["closing_balance_vnd"] == 7_500_000
    assert (statement["receipts_vnd"], statement["reversals_vnd"]) == (2_700_000, -700_000)


def test_a_statement_splits_receipts_by_channel_and_purpose_and_spending_by_kind(uow, officer, history):
    statement = reports.fund_statement(uow(), officer, history[0]["id"], period(TODAY - timedelta(days=7), TODAY))
    assert statement["receipts_by_channel"] == [{"key": "BANK_TRANSFER", "amount_vnd": 2_000_000},
                                                {"key": "CASH", "amount_vnd": 700_000}]
    assert {"key": "SCHOLARSHIP_POOR_PUPILS", "amount_vnd": 2_000_000} in statement["receipts_by_purpose"]
    assert statement["disbursements_by_kind"] == [{"key": "HOC_BONG", "amount_vnd": 1_500_000}]
    assert statement["transfers_in_vnd"] == 4_000_000


def test_a_province_sees_its_communes_in_the_roll_up(uow, history):
    province_admin = history[2]
    summary = reports.unit_funds_summary(uow(), province_admin, "01", period(date(2000, 1, 1), TODAY))
    (child,) = [c for c in summary["by_child_unit"] if c["unit_code"] == "00070"]
    assert (summary["funds"], summary["balance_vnd"]) == (2, 7_500_000 + 5_000_000)
    assert (child["funds"], child["balance_vnd"], child["disbursements_vnd"]) == (1, 7_500_000, 1_500_000)


def test_a_commune_cannot_roll_up_its_province(uow, officer, history):
    with pytest.raises(UnitNotFound):
        reports.unit_funds_summary(uow(), officer, "01", period(TODAY, TODAY))


def test_the_disclosure_lists_standing_receipts_and_payments_without_contacts(uow, officer, history, donate):
    donate(history[0]["id"], 100_000, donor_kind="ANONYMOUS", donor_name=None, donor_email="x@example.vn")
    disclosure = reports.unit_disclosure(uow(), officer, "00070", period(TODAY - timedelta(days=7), TODAY))
    assert sorted(r["amount_vnd"] for r in disclosure["receipts"]) == [100_000, 2_000_000]  # 700,000 reversed
    assert "Ẩn danh" in [r["donor"] for r in disclosure["receipts"]] and "x@example.vn" not in str(disclosure)
    assert [(s["beneficiary_name"], s["amount_vnd"]) for s in disclosure["spending"]] == [("Trần Minh Khoa", 1_500_000)]
