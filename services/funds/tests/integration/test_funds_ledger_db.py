"""The database's own guard of the ledger: what holds even if the code's checks were bypassed."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from funds import ledger, repository
from funds.domain import AccountKey, AccountKind, AccountState, InsufficientFunds


def test_the_database_refuses_to_overdraw_a_cash_account_and_it_reads_as_insufficient_funds(
    uow, new_fund, donate, get_fund
):
    fund = new_fund()
    donate(fund["id"], 1_000)
    with uow() as work, pytest.raises(InsufficientFunds) as refused:
        ledger.write_states(work.session, {AccountKey(fund["id"], AccountKind.CASH): AccountState(1_000, 1_001)})
    assert refused.value.details["constraint"] == "ck_accounts_cash_not_overdrawn"
    assert get_fund(fund["id"])["balance"]["cash_vnd"] == 1_000


def test_other_accounts_may_carry_credits_beyond_debits(uow, new_fund):
    fund = new_fund()
    with uow() as work:
        ledger.write_states(work.session, {AccountKey(fund["id"], AccountKind.DONATIONS): AccountState(0, 5)})


def test_the_database_refuses_negative_posted_totals_and_one_sided_postings(engine, new_fund, donate):
    donate(new_fund()["id"], 1_000)
    with engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(text("UPDATE accounts SET debits_posted = -1 WHERE kind = 'DONATIONS'"))
    with engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(text("UPDATE postings SET debit = 5, credit = 5"))


def test_every_posting_balances_across_the_whole_ledger(uow, new_fund, donate):
    fund = new_fund()
    for amount in (1, 20, 300):
        donate(fund["id"], amount)
    with uow() as work:
        assert repository.ledger_totals(work.session) == (321, 321)
