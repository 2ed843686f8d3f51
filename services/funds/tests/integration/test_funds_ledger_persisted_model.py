"""The persisted ledger against the in-memory one: random sequences of donations, proposals, approvals,
payments, transfers between funds, retries of an id (with the same request and with another) and
reversals, sent through the use cases to a real database (SQLite, and PostgreSQL when it is there).

The model is ``domain.Ledger`` (itself checked against a model in ``tests/unit``) and the disbursement
rules of ``domain``; it predicts every outcome. After every step the database must agree with it: the
postings balance, no CASH account is negative, each id was applied at most once and exactly the model's
ids were, every account's posted totals equal the model's, a disbursement is PAID exactly when the model
paid it. Each example makes its own funds in the test's database, so examples share nothing. Draws pick
from lists in the order things happened, never from sorted random ids, so that hypothesis can replay an
example exactly.
"""

import uuid
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import select

from contracts.funds import (
    ApproveDisbursementSchema,
    ApproverIsProposer,
    CreateFundSchema,
    DisbursementRejected,
    FundTransferSchema,
    InsufficientFunds,
    PayDisbursementSchema,
    ProposeDisbursementSchema,
    RejectDisbursementSchema,
    ReversalRejected,
    ReverseTransferSchema,
    TransferIdReused,
)
from funds import domain, repository
from funds.domain import DisbursementStatus
from funds.models import Disbursement, Transfer
from funds.testing import donation_command, make_actor
from funds.usecases import disbursements, donations, funds, transfers

PURPOSES = ("", "SCHOLARSHIP_POOR_PUPILS")
KINDS = ("HOC_BONG", "KHEN_THUONG", "HO_TRO")
REFUSALS = (InsufficientFunds, TransferIdReused, ReversalRejected, DisbursementRejected, ApproverIsProposer)
amounts = st.integers(min_value=1, max_value=1_000)


def outcome_of(call):
    try:
        return "ok", call()
    except REFUSALS as error:
        return type(error), None


def model_outcome(call):
    try:
        return call()
    except REFUSALS as error:
        return type(error)


class PersistedLedger(RuleBasedStateMachine):
    uow = None  # set by the test: a factory of units of work on the test's database

    def __init__(self):
        super().__init__()
        self.model = domain.Ledger()
        self.officers = [make_actor("OFFICER", "00070") for _ in range(3)]
        self.funds = [self._new_fund(n) for n in range(3)]
        self.sent = {}  # transfer id -> (resend(), first answer): what the client could retry
        self.refused = []  # resend() of refused money commands, to retry later
        self.proposals = {}  # disbursement id -> [proposer id, fund, purpose, kind, amount, status]

    def _new_fund(self, n):
        body = {"unit_code": "00070", "name": f"Quỹ kiểm thử {n}", "kind": "GENERAL"}
        return funds.create_fund(self.uow(), self.officers[0], CreateFundSchema().load(body))["id"]

    def draw_source(self, data):
        """Mostly money that exists, up to one đồng over it: the overdraft boundary."""
        fund = data.draw(st.sampled_from(self.funds))
        purpose = data.draw(st.sampled_from(PURPOSES))
        held = self.model.balance_of(domain.AccountKey(fund, domain.AccountKind.CASH, purpose))
        return fund, purpose, data.draw(st.integers(min_value=1, max_value=held + 1) | amounts)

    def send(self, transfer_id, call, model_transfer):
        """Run a money command and the model's apply; they must agree. Returns the outcome."""
        expected = model_outcome(lambda: self.model.apply(model_transfer))
        outcome, answer = outcome_of(call)
        if expected in (domain.TransferResult.CREATED, domain.TransferResult.EXISTS):
            assert outcome == "ok", (transfer_id, outcome, expected)
            if expected == domain.TransferResult.EXISTS:
                assert answer == self.sent[transfer_id][1]  # the first answer, again
            else:
                self.sent[transfer_id] = (call, answer)
        else:
            assert outcome == expected, (transfer_id, outcome, expected)
            if transfer_id not in self.sent:
                self.refused.append((transfer_id, call, model_transfer))
        return outcome

    @rule(data=st.data(), purpose=st.sampled_from(PURPOSES), amount=amounts)
    def donate(self, data, purpose, amount):
        fund, tid = data.draw(st.sampled_from(self.funds)), str(uuid.uuid4())
        command = donation_command(amount, purpose or None)
        by = self.officers[0]
        self.send(tid, lambda: donations.record_donation(self.uow(), by, fund, command, tid),
                  domain.donation(tid, fund, amount, purpose))

    @rule(data=st.data())
    def transfer_between_funds(self, data):
        source, purpose, amount = self.draw_source(data)
        target = data.draw(st.sampled_from([f for f in self.funds if f != source]))
        body = {"from_fund_id": source, "to_fund_id": target, "amount_vnd": amount, "purpose": purpose or None}
        command, tid, by = FundTransferSchema().load(body), str(uuid.uuid4()), self.officers[1]
        self.send(tid, lambda: transfers.transfer_between_funds(self.uow(), by, command, tid),
                  domain.fund_transfer(tid, source, target, amount, purpose))

    @rule(data=st.data(), kind=st.sampled_from(KINDS), proposer=st.integers(0, 2))
    def propose(self, data, kind, proposer):
        fund, purpose, amount = self.draw_source(data)
        body = {"kind": kind, "beneficiary_name": "Lê Thu Trang", "amount_vnd": amount, "purpose": purpose or None,
                "decision_reference": "01/QĐ-KH"}
        by = self.officers[proposer]
        made = disbursements.propose_disbursement(self.uow(), by, fund, ProposeDisbursementSchema().load(body))
        self.proposals[made["id"]] = [by["officer_id"], fund, purpose, kind, amount, DisbursementStatus.PROPOSED]

    @precondition(lambda self: self.proposals)
    @rule(data=st.data(), approver=st.integers(0, 2))
    def approve(self, data, approver):
        disbursement_id = data.draw(st.sampled_from(list(self.proposals)))
        proposal, by = self.proposals[disbursement_id], self.officers[approver]
        expected = model_outcome(lambda: domain.approve(proposal[5], proposal[0], by["officer_id"]))
        command = ApproveDisbursementSchema().load({})
        outcome, _ = outcome_of(lambda: disbursements.approve_disbursement(self.uow(), by, disbursement_id, command))
        assert outcome == ("ok" if expected == DisbursementStatus.APPROVED else expected)
        if outcome == "ok":
            proposal[5] = DisbursementStatus.APPROVED

    @precondition(lambda self: self.proposals)
    @rule(data=st.data())
    def reject(self, data):
        disbursement_id = data.draw(st.sampled_from(list(self.proposals)))
        proposal = self.proposals[disbursement_id]
        expected = model_outcome(lambda: domain.reject(proposal[5]))
        command = RejectDisbursementSchema().load({"reason": "Không đủ điều kiện"})
        call = lambda: disbursements.reject_disbursement(self.uow(), self.officers[2], disbursement_id, command)  # noqa: E731
        outcome, _ = outcome_of(call)
        assert outcome == ("ok" if expected == DisbursementStatus.REJECTED else expected)
        if outcome == "ok":
            proposal[5] = DisbursementStatus.REJECTED

    @precondition(lambda self: self.proposals)
    @rule(data=st.data())
    def pay(self, data):
        disbursement_id = data.draw(st.sampled_from(list(self.proposals)))
        _, fund, purpose, kind, amount, status = self.proposals[disbursement_id]
        tid, by, command = str(uuid.uuid4()), self.officers[1], PayDisbursementSchema().load({})
        call = lambda: disbursements.pay_disbursement(self.uow(), by, disbursement_id, command, tid)  # noqa: E731
        if status != DisbursementStatus.APPROVED:
            assert outcome_of(call)[0] == DisbursementRejected
            return
        if self.send(tid, call, domain.disbursement_payment(tid, fund, amount, kind, purpose)) == "ok":
            self.proposals[disbursement_id][5] = DisbursementStatus.PAID

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def retry_the_same_request(self, data):
        tid = data.draw(st.sampled_from(list(self.sent)))
        self.send(tid, self.sent[tid][0], self.model.transfer(tid))

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def reuse_an_id_for_another_donation(self, data):
        tid = data.draw(st.sampled_from(list(self.sent)))
        amount = self.model.transfer(tid).postings[0].debit + self.model.transfer(tid).postings[0].credit + 1
        command, by, fund = donation_command(amount), self.officers[0], self.funds[0]
        outcome, _ = outcome_of(lambda: donations.record_donation(self.uow(), by, fund, command, tid))
        assert outcome == TransferIdReused

    @precondition(lambda self: self.refused)
    @rule(data=st.data())
    def retry_a_refused_request(self, data):
        tid, call, model_transfer = data.draw(st.sampled_from(self.refused))
        if model_transfer.kind == domain.TransferKind.DISBURSEMENT_PAYMENT:
            return  # a payment is retried through ``pay``, where the disbursement's status decides
        self.send(tid, call, model_transfer)

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def reverse(self, data):
        original = data.draw(st.sampled_from(list(self.sent)))
        tid, by = str(uuid.uuid4()), self.officers[data.draw(st.integers(0, 2))]
        command = ReverseTransferSchema().load({"reason": "Điều chỉnh"})
        self.send(tid, lambda: transfers.reverse_transfer(self.uow(), by, original, command, tid),
                  domain.reversal(tid, self.model.transfer(original)))

    # --- what must hold after every step ----------------------------------------------------------------

    @invariant()
    def the_postings_balance(self):
        with self.uow() as work:
            debits, credits = repository.ledger_totals(work.session)
        assert debits == credits

    @invariant()
    def every_account_equals_the_models_and_no_cash_is_negative(self):
        with self.uow() as work:
            stored = repository.account_states(work.session, self.funds)
        assert {k: s for k, s in stored.items() if s != domain.AccountState()} == self.model.accounts()
        assert all(domain.balance(k, s) >= 0 for k, s in stored.items() if k.kind == domain.AccountKind.CASH)

    @invariant()
    def each_id_was_applied_once_and_exactly_the_models(self):
        fund_ids = [uuid.UUID(f) for f in self.funds]
        with self.uow() as work:
            ids = Counter(work.session.execute(select(Transfer.id).where(Transfer.fund_id.in_(fund_ids))).scalars())
            paid = set(work.session.execute(
                select(Disbursement.id).where(Disbursement.fund_id.in_(fund_ids), Disbursement.status == "PAID")
            ).scalars())
        assert set(ids.values()) <= {1} and set(ids) == {t.id for t in self.model.transfers()}
        assert {str(d) for d in paid} == {d for d, p in self.proposals.items() if p[5] == DisbursementStatus.PAID}


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_the_persisted_ledger_agrees_with_the_model(uow):
    PersistedLedger.uow = staticmethod(uow)
    run_state_machine_as_test(
        PersistedLedger,
        settings=settings(
            max_examples=15, stateful_step_count=20, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
