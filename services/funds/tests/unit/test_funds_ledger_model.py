"""The ledger against a model of its own: random sequences of movements, retries and reversals.

The model knows only what each movement does to the money a fund holds per purpose (``cash``), which ids
were applied with which body, and which transfers were reversed; it predicts every outcome by itself, and
the invariants compare it with the ledger after every step.
"""

from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from funds.domain import (
    AccountKey,
    AccountKind,
    ApproverIsProposer,
    DisbursementRejected,
    DisbursementStatus,
    InsufficientFunds,
    Ledger,
    ReversalRejected,
    TransferIdReused,
    approve,
    balance,
    disbursement_payment,
    donation,
    fund_transfer,
    pay,
    reject,
    reversal,
)

FUNDS = ("fund-province-01", "fund-commune-00070", "fund-school-00070-G0001")
PURPOSES = ("", "SCHOLARSHIP_POOR_PUPILS", "REWARD_GOOD_PUPILS")
KINDS = ("HOC_BONG", "KHEN_THUONG", "HO_TRO")

funds = st.sampled_from(FUNDS)
purposes = st.sampled_from(PURPOSES)
amounts = st.integers(min_value=1, max_value=1_000)
officers = st.sampled_from(("officer-a", "officer-b", "officer-c"))


@dataclass
class Disbursement:
    proposer: str
    fund: str
    purpose: str
    kind: str
    amount: int
    status: DisbursementStatus = DisbursementStatus.PROPOSED


@dataclass(frozen=True)
class Sent:
    transfer: object
    cash_deltas: dict  # (fund, purpose) -> change of the money held, as the model understands the movement
    reversed_body: object = None  # for a reversal: the transfer it was built from (maybe not the one applied)


class LedgerModel(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.ledger = Ledger()
        self.cash = {(fund, purpose): 0 for fund in FUNDS for purpose in PURPOSES}
        self.applied = {}  # id -> Sent
        self.reversed = set()
        self.refused = []  # Sent, never applied: retried later, or named by a reversal
        self.next_id = 0
        self.disbursements = {}  # id -> Disbursement; its payment transfer has the same id

    def fresh_id(self):
        self.next_id += 1
        return f"t{self.next_id}"

    def expected(self, sent):
        transfer = sent.transfer
        known = self.applied.get(transfer.id)
        if known is not None:
            return "exists" if known.transfer == transfer else TransferIdReused
        if transfer.reverses is not None:
            original = self.applied.get(transfer.reverses)
            if (
                original is None
                or original.transfer.reverses is not None
                or transfer.reverses in self.reversed
                or original.transfer != sent.reversed_body  # built from a refused body that reused the id
            ):
                return ReversalRejected
        if any(self.cash[key] + delta < 0 for key, delta in sent.cash_deltas.items()):
            return InsufficientFunds
        return "created"

    def send(self, sent, retried_later=True):
        expected = self.expected(sent)
        try:
            outcome = self.ledger.apply(sent.transfer)
        except (TransferIdReused, ReversalRejected, InsufficientFunds) as error:
            outcome = type(error)
        assert outcome == expected, (sent.transfer, outcome, expected)
        if outcome == "created":
            self.applied[sent.transfer.id] = sent
            for key, delta in sent.cash_deltas.items():
                self.cash[key] += delta
            if sent.transfer.reverses is not None:
                self.reversed.add(sent.transfer.reverses)
        elif outcome != "exists" and retried_later:
            self.refused.append(sent)

    @rule(fund=funds, purpose=purposes, amount=amounts)
    def donate(self, fund, purpose, amount):
        self.send(Sent(donation(self.fresh_id(), fund, amount, purpose), {(fund, purpose): amount}))

    def draw_payment_source(self, data):
        """Mostly money that exists, and an amount up to one đồng more than it: the overdraft boundary."""
        funded = sorted(key for key, held in self.cash.items() if held > 0)
        any_key = st.sampled_from(sorted(self.cash))
        fund, purpose = data.draw(st.sampled_from(funded) | any_key if funded else any_key)
        amount = data.draw(st.integers(min_value=1, max_value=self.cash[(fund, purpose)] + 1) | amounts)
        return fund, purpose, amount

    @rule(data=st.data(), kind=st.sampled_from(KINDS))
    def pay(self, data, kind):
        fund, purpose, amount = self.draw_payment_source(data)
        transfer = disbursement_payment(self.fresh_id(), fund, amount, kind, purpose)
        self.send(Sent(transfer, {(fund, purpose): -amount}))

    @rule(data=st.data())
    def transfer_between_funds(self, data):
        source, purpose, amount = self.draw_payment_source(data)
        target = data.draw(st.sampled_from([fund for fund in FUNDS if fund != source]))
        transfer = fund_transfer(self.fresh_id(), source, target, amount, purpose)
        self.send(Sent(transfer, {(source, purpose): -amount, (target, purpose): amount}))

    # --- the disbursement workflow: proposed, approved by another officer, then paid by a transfer ---

    @rule(data=st.data(), kind=st.sampled_from(KINDS), proposer=officers)
    def propose_disbursement(self, data, kind, proposer):
        fund, purpose, amount = self.draw_payment_source(data)
        self.disbursements[f"d{self.fresh_id()}"] = Disbursement(proposer, fund, purpose, kind, amount)

    @precondition(lambda self: self.disbursements)
    @rule(data=st.data(), approver=officers)
    def approve_disbursement(self, data, approver):
        proposal = data.draw(st.sampled_from(sorted(self.disbursements.items())))[1]
        if proposal.status != DisbursementStatus.PROPOSED:
            expected = DisbursementRejected
        else:
            expected = ApproverIsProposer if approver == proposal.proposer else DisbursementStatus.APPROVED
        try:
            outcome = approve(proposal.status, proposal.proposer, approver)
        except (DisbursementRejected, ApproverIsProposer) as error:
            outcome = type(error)
        assert outcome == expected
        if outcome == DisbursementStatus.APPROVED:
            proposal.status = outcome

    @precondition(lambda self: self.disbursements)
    @rule(data=st.data())
    def reject_disbursement(self, data):
        proposal = data.draw(st.sampled_from(sorted(self.disbursements.items())))[1]
        if proposal.status in (DisbursementStatus.PROPOSED, DisbursementStatus.APPROVED):
            proposal.status = reject(proposal.status)
        else:
            with pytest.raises(DisbursementRejected):
                reject(proposal.status)

    @precondition(lambda self: self.disbursements)
    @rule(data=st.data())
    def pay_disbursement(self, data):
        disbursement_id, proposal = data.draw(st.sampled_from(sorted(self.disbursements.items())))
        if proposal.status != DisbursementStatus.APPROVED:
            with pytest.raises(DisbursementRejected):
                pay(proposal.status)
            return
        status = pay(proposal.status)  # the service writes the status and the transfer in one transaction
        payment = disbursement_payment(disbursement_id, proposal.fund, proposal.amount, proposal.kind, proposal.purpose)
        # Only through this rule: paying an approved disbursement again retries its payment.
        self.send(Sent(payment, {(proposal.fund, proposal.purpose): -proposal.amount}), retried_later=False)
        if disbursement_id in self.applied:
            proposal.status = status

    @precondition(lambda self: self.applied)
    @rule(data=st.data())
    def retry_the_same_request(self, data):
        self.send(data.draw(st.sampled_from(sorted(self.applied.values(), key=lambda s: s.transfer.id))))

    @precondition(lambda self: self.applied)
    @rule(data=st.data(), fund=funds, purpose=purposes, amount=amounts)
    def reuse_an_id_for_another_donation(self, data, fund, purpose, amount):
        transfer_id = data.draw(st.sampled_from(sorted(self.applied)))
        # Usually a different body (a conflict); now and then the very same donation (a retry).
        self.send(Sent(donation(transfer_id, fund, amount, purpose), {(fund, purpose): amount}))

    @precondition(lambda self: self.refused)
    @rule(data=st.data())
    def retry_a_refused_request(self, data):
        self.send(data.draw(st.sampled_from(self.refused)))

    @precondition(lambda self: self.applied or self.refused)
    @rule(data=st.data())
    def reverse(self, data):
        candidates = sorted(self.applied.values(), key=lambda s: s.transfer.id) + self.refused
        original = data.draw(st.sampled_from(candidates))
        deltas = {key: -delta for key, delta in original.cash_deltas.items()}
        self.send(Sent(reversal(self.fresh_id(), original.transfer), deltas, original.transfer))

    @invariant()
    def debits_equal_credits(self):
        assert self.ledger.total_debits() == self.ledger.total_credits()
        postings = [p for t in self.ledger.transfers() for p in t.postings]
        assert sum(p.debit - p.credit for p in postings) == 0

    @invariant()
    def no_cash_balance_is_negative(self):
        for key, state in self.ledger.accounts().items():
            if key.kind == AccountKind.CASH:
                assert balance(key, state) >= 0, key

    @invariant()
    def every_applied_id_appears_once(self):
        ids = Counter(t.id for t in self.ledger.transfers())
        assert set(ids.values()) <= {1}
        assert set(ids) == set(self.applied)

    @invariant()
    def a_disbursement_is_paid_exactly_when_its_payment_was_applied(self):
        for disbursement_id, proposal in self.disbursements.items():
            applied = self.ledger.transfer(disbursement_id) is not None
            assert applied == (proposal.status == DisbursementStatus.PAID), (disbursement_id, proposal)

    @invariant()
    def every_cash_balance_equals_the_models(self):
        for (fund, purpose), expected in self.cash.items():
            assert self.ledger.balance_of(AccountKey(fund, AccountKind.CASH, purpose)) == expected

    @invariant()
    def each_fund_holds_what_came_in_less_what_went_out(self):
        held, flows = Counter(), Counter()
        for key, state in self.ledger.accounts().items():
            amount = balance(key, state)
            if key.kind == AccountKind.CASH:
                held[key.fund_id] += amount
            elif key.kind in (AccountKind.DONATIONS, AccountKind.TRANSFERS_IN):
                flows[key.fund_id] += amount
            else:
                flows[key.fund_id] -= amount
        assert held == flows


LedgerModel.TestCase.settings = settings(max_examples=80, stateful_step_count=30, deadline=None)
test_the_ledger_agrees_with_its_model = LedgerModel.TestCase
