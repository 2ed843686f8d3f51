import pytest

from contracts.errors import Conflict, ValidationFailed
from funds.domain import (
    AccountKey,
    AccountKind,
    AccountState,
    ApproverIsProposer,
    DisbursementRejected,
    DisbursementStatus,
    InsufficientFunds,
    Ledger,
    Posting,
    ReversalRejected,
    Transfer,
    TransferIdReused,
    TransferInvalid,
    approve,
    balance,
    disbursement_payment,
    donation,
    fund_transfer,
    pay,
    posted_states,
    reject,
    reversal,
)

PROVINCE = "fund-province-01"
COMMUNE = "fund-commune-00070"
POOR_PUPILS = "SCHOLARSHIP_POOR_PUPILS"


def cash(fund, purpose=""):
    return AccountKey(fund, AccountKind.CASH, purpose)


def ledger_with(*transfers):
    ledger = Ledger()
    for transfer in transfers:
        ledger.apply(transfer)
    return ledger


def test_a_donation_raises_cash_and_donations():
    ledger = ledger_with(donation("d1", COMMUNE, 5_000_000, POOR_PUPILS))

    assert ledger.balance_of(cash(COMMUNE, POOR_PUPILS)) == 5_000_000
    assert ledger.balance_of(AccountKey(COMMUNE, AccountKind.DONATIONS, POOR_PUPILS)) == 5_000_000
    assert ledger.total_debits() == ledger.total_credits() == 5_000_000


def test_a_payment_spends_its_purposes_money_and_counts_as_its_kind():
    ledger = ledger_with(donation("d1", COMMUNE, 5_000_000, POOR_PUPILS))

    ledger.apply(disbursement_payment("p1", COMMUNE, 2_000_000, "HOC_BONG", POOR_PUPILS))

    assert ledger.balance_of(cash(COMMUNE, POOR_PUPILS)) == 3_000_000
    assert ledger.balance_of(AccountKey(COMMUNE, AccountKind.DISBURSEMENTS, "HOC_BONG")) == 2_000_000


def test_an_unrestricted_payment_cannot_spend_restricted_money():
    ledger = ledger_with(donation("d1", COMMUNE, 5_000_000, POOR_PUPILS))

    with pytest.raises(InsufficientFunds) as refused:
        ledger.apply(disbursement_payment("p1", COMMUNE, 1_000_000, "HO_TRO"))

    assert AccountKey(**refused.value.account) == cash(COMMUNE)
    assert refused.value.code == "insufficient_funds"


def test_a_payment_for_one_purpose_cannot_spend_unrestricted_money():
    ledger = ledger_with(donation("d1", COMMUNE, 5_000_000))

    with pytest.raises(InsufficientFunds):
        ledger.apply(disbursement_payment("p1", COMMUNE, 1_000_000, "HOC_BONG", POOR_PUPILS))


def test_an_overdraft_is_refused_and_changes_nothing():
    ledger = ledger_with(donation("d1", COMMUNE, 1_000_000))
    accounts_before = ledger.accounts()

    with pytest.raises(InsufficientFunds) as refused:
        ledger.apply(disbursement_payment("p1", COMMUNE, 1_000_001, "KHEN_THUONG"))

    assert refused.value.details["balance_vnd"] == 1_000_000
    assert ledger.accounts() == accounts_before
    assert [t.id for t in ledger.transfers()] == ["d1"]


def test_a_payment_of_the_whole_balance_leaves_zero():
    ledger = ledger_with(donation("d1", COMMUNE, 1_000_000))

    ledger.apply(disbursement_payment("p1", COMMUNE, 1_000_000, "KHEN_THUONG"))

    assert ledger.balance_of(cash(COMMUNE)) == 0


def test_the_same_id_twice_is_applied_once():
    ledger = Ledger()

    assert ledger.apply(donation("d1", COMMUNE, 1_000_000)) == "created"
    assert ledger.apply(donation("d1", COMMUNE, 1_000_000)) == "exists"

    assert ledger.balance_of(cash(COMMUNE)) == 1_000_000
    assert len(ledger.transfers()) == 1


def test_the_same_id_with_another_amount_is_a_conflict():
    ledger = ledger_with(donation("d1", COMMUNE, 1_000_000))

    with pytest.raises(TransferIdReused) as reused:
        ledger.apply(donation("d1", COMMUNE, 2_000_000))

    assert isinstance(reused.value, Conflict)
    assert ledger.balance_of(cash(COMMUNE)) == 1_000_000


def test_a_refused_id_can_be_used_once_the_money_is_there():
    ledger = Ledger()
    payment = disbursement_payment("p1", COMMUNE, 1_000_000, "HO_TRO")
    with pytest.raises(InsufficientFunds):
        ledger.apply(payment)

    ledger.apply(donation("d1", COMMUNE, 1_000_000))

    assert ledger.apply(payment) == "created"


def test_a_fund_transfer_moves_money_between_two_funds_atomically():
    ledger = ledger_with(donation("d1", PROVINCE, 10_000_000, POOR_PUPILS))

    ledger.apply(fund_transfer("t1", PROVINCE, COMMUNE, 4_000_000, POOR_PUPILS))

    assert ledger.balance_of(cash(PROVINCE, POOR_PUPILS)) == 6_000_000
    assert ledger.balance_of(cash(COMMUNE, POOR_PUPILS)) == 4_000_000
    assert ledger.balance_of(AccountKey(PROVINCE, AccountKind.TRANSFERS_OUT)) == 4_000_000
    assert ledger.balance_of(AccountKey(COMMUNE, AccountKind.TRANSFERS_IN)) == 4_000_000


def test_a_fund_transfer_beyond_the_balance_moves_nothing_on_either_side():
    ledger = ledger_with(donation("d1", PROVINCE, 1_000_000))
    accounts_before = ledger.accounts()

    with pytest.raises(InsufficientFunds):
        ledger.apply(fund_transfer("t1", PROVINCE, COMMUNE, 2_000_000))

    assert ledger.accounts() == accounts_before


def test_a_fund_cannot_transfer_to_itself():
    with pytest.raises(TransferInvalid) as invalid:
        fund_transfer("t1", COMMUNE, COMMUNE, 1_000_000)

    assert invalid.value.reason == "same_fund"


def test_a_reversal_restores_balances():
    ledger = ledger_with(donation("d1", PROVINCE, 10_000_000), fund_transfer("t1", PROVINCE, COMMUNE, 4_000_000))
    original = ledger.transfer("t1")

    ledger.apply(reversal("r1", original))

    assert ledger.balance_of(cash(PROVINCE)) == 10_000_000
    assert ledger.balance_of(cash(COMMUNE)) == 0
    assert ledger.reversal_of("t1") == "r1"


def test_a_reversal_that_would_overdraw_is_refused():
    ledger = ledger_with(donation("d1", COMMUNE, 1_000_000))
    ledger.apply(disbursement_payment("p1", COMMUNE, 600_000, "HOC_BONG"))

    with pytest.raises(InsufficientFunds):
        ledger.apply(reversal("r1", ledger.transfer("d1")))

    assert ledger.reversal_of("d1") is None


def test_reversing_twice_is_refused():
    ledger = ledger_with(donation("d1", COMMUNE, 1_000_000))
    ledger.apply(reversal("r1", ledger.transfer("d1")))

    with pytest.raises(ReversalRejected) as rejected:
        ledger.apply(reversal("r2", ledger.transfer("d1")))

    assert rejected.value.reason == "already_reversed"


def test_a_retried_reversal_is_applied_once():
    ledger = ledger_with(donation("d1", COMMUNE, 1_000_000))

    ledger.apply(reversal("r1", ledger.transfer("d1")))

    assert ledger.apply(reversal("r1", ledger.transfer("d1"))) == "exists"


def test_a_reversal_of_a_reversal_is_refused():
    ledger = ledger_with(donation("d1", COMMUNE, 1_000_000))
    ledger.apply(reversal("r1", ledger.transfer("d1")))

    with pytest.raises(ReversalRejected) as rejected:
        ledger.apply(reversal("r2", ledger.transfer("r1")))

    assert rejected.value.reason == "original_is_reversal"


def test_a_reversal_of_an_unknown_transfer_is_refused():
    with pytest.raises(ReversalRejected) as rejected:
        Ledger().apply(reversal("r1", donation("never-applied", COMMUNE, 1_000_000)))

    assert rejected.value.reason == "original_not_found"


def test_a_reversal_must_mirror_the_original_postings():
    ledger = ledger_with(donation("d1", COMMUNE, 1_000_000))
    smaller = reversal("r1", donation("d1", COMMUNE, 400_000))

    with pytest.raises(ReversalRejected) as rejected:
        ledger.apply(smaller)

    assert rejected.value.reason == "postings_do_not_mirror_original"


def transfer_of(*postings, kind="adjustment"):
    return Transfer("x1", postings, kind)


@pytest.mark.parametrize(
    ("transfer", "reason"),
    [
        (transfer_of(Posting(cash("F"), debit=1)), "too_few_postings"),
        (transfer_of(Posting(cash("F"), debit=2), Posting(cash("G"), credit=1)), "debits_must_equal_credits"),
        (transfer_of(Posting(cash("F"), debit=0), Posting(cash("G"), credit=0)), "amount_must_be_positive"),
        (transfer_of(Posting(cash("F"), debit=-5), Posting(cash("G"), credit=-5)), "amount_must_be_positive"),
        (transfer_of(Posting(cash("F"), debit=1, credit=1), Posting(cash("G"), credit=0)), "amount_must_be_positive"),
        (transfer_of(Posting(cash("F"), debit=1.0), Posting(cash("G"), credit=1.0)), "amount_not_integer"),
        (transfer_of(Posting(cash("F"), debit=True), Posting(cash("G"), credit=True)), "amount_not_integer"),
        (transfer_of(Posting(cash("F"), debit=1), Posting(cash("F"), credit=1)), "accounts_must_be_different"),
        (
            transfer_of(Posting(cash("F"), debit=1), Posting(cash("G"), credit=1), kind="reversal"),
            "reversal_kind_mismatch",
        ),
        (transfer_of(Posting(cash("F", "bad purpose"), debit=1), Posting(cash("G"), credit=1)), "purpose_invalid"),
    ],
)
def test_an_invalid_transfer_is_refused_with_its_reason(transfer, reason):
    ledger = Ledger()

    with pytest.raises(TransferInvalid) as invalid:
        ledger.apply(transfer)

    assert invalid.value.reason == reason
    assert isinstance(invalid.value, ValidationFailed)
    assert ledger.accounts() == {}


def test_builders_refuse_non_positive_amounts():
    with pytest.raises(TransferInvalid) as invalid:
        donation("d1", COMMUNE, 0)

    assert invalid.value.reason == "amount_must_be_positive"


def test_a_payment_of_an_unknown_kind_is_refused():
    with pytest.raises(TransferInvalid) as invalid:
        disbursement_payment("p1", COMMUNE, 1_000, "TIEC")

    assert invalid.value.reason == "disbursement_kind_invalid"


def test_an_account_that_would_overflow_its_posted_total_is_refused():
    loaded = {cash(COMMUNE): AccountState(debits_posted=2**63 - 1)}  # rows as the service reads them

    with pytest.raises(TransferInvalid) as invalid:
        posted_states(loaded, donation("d1", COMMUNE, 1))

    assert invalid.value.reason == "overflows_posted"


def test_posted_states_gives_the_new_state_of_every_touched_account():
    loaded = {cash(COMMUNE): AccountState(debits_posted=900, credits_posted=100)}

    states = posted_states(loaded, disbursement_payment("p1", COMMUNE, 800, "HO_TRO"))

    assert states == {
        cash(COMMUNE): AccountState(debits_posted=900, credits_posted=900),
        AccountKey(COMMUNE, AccountKind.DISBURSEMENTS, "HO_TRO"): AccountState(debits_posted=800),
    }


def test_balances_read_positive_on_the_normal_side_of_each_kind():
    state = AccountState(debits_posted=700, credits_posted=200)

    assert balance(cash("F"), state) == 500
    assert balance(AccountKey("F", AccountKind.TRANSFERS_OUT), state) == 500
    assert balance(AccountKey("F", AccountKind.DONATIONS), state) == -500
    assert balance(AccountKey("F", AccountKind.TRANSFERS_IN), state) == -500


def test_errors_carry_vietnamese_and_english_messages():
    with pytest.raises(TransferInvalid) as invalid:
        donation("d1", COMMUNE, -1)

    body = invalid.value.to_dict()
    assert body["code"] == "transfer_invalid"
    assert body["message"] != body["message_en"]
    assert body["fields"]["postings"][0]["code"] == "amount_must_be_positive"


# --- disbursement workflow -----------------------------------------------------------------------------


def test_a_proposed_disbursement_is_approved_by_another_officer_then_paid():
    approved = approve(DisbursementStatus.PROPOSED, proposer_id="officer-a", approver_id="officer-b")

    assert approved == DisbursementStatus.APPROVED
    assert pay(approved) == DisbursementStatus.PAID


def test_the_approver_must_not_be_the_proposer():
    with pytest.raises(ApproverIsProposer) as refused:
        approve(DisbursementStatus.PROPOSED, proposer_id="officer-a", approver_id="officer-a")

    assert refused.value.code == "approver_is_proposer"


def test_an_unapproved_disbursement_cannot_be_paid():
    with pytest.raises(DisbursementRejected) as refused:
        pay(DisbursementStatus.PROPOSED)

    assert refused.value.code == "transition_rejected"


@pytest.mark.parametrize("status", [DisbursementStatus.APPROVED, DisbursementStatus.PAID, DisbursementStatus.REJECTED])
def test_only_a_proposed_disbursement_can_be_approved(status):
    with pytest.raises(DisbursementRejected):
        approve(status, proposer_id="officer-a", approver_id="officer-b")


@pytest.mark.parametrize("status", [DisbursementStatus.PROPOSED, DisbursementStatus.APPROVED])
def test_a_disbursement_can_be_rejected_until_it_is_paid(status):
    assert reject(status) == DisbursementStatus.REJECTED


@pytest.mark.parametrize("status", [DisbursementStatus.PAID, DisbursementStatus.REJECTED])
def test_a_paid_or_rejected_disbursement_cannot_be_rejected(status):
    with pytest.raises(DisbursementRejected):
        reject(status)
