"""The ledger against a model of its own: random sequences of movements, retries and reversals.

The model knows only what each movement does to the money a fund holds per purpose (``cash``), which ids
were applied with which body, and which transfers were reversed; it predicts every outcome by itself, and
the invariants compare it with the ledger after every step.
"""

from collections import Counter
from dataclasses import dataclass

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from funds.domain import (
    AccountKey,
    AccountKind,
    InsufficientFunds,
    Ledger,
    ReversalRejected,
    TransferIdReused,
    balance,
    disbursement_payment,
    donation,
    fund_transfer,
    reversal,
)

FUNDS = ("fund-province-01", "fund-commune-00070", "fund-school-00070-G0001")
PURPOSES = ("", "SCHOLARSHIP_POOR_PUPILS", "REWARD_GOOD_PUPILS")
KINDS = ("HOC_BONG", "KHEN_THUONG", "HO_TRO")

funds = st.sampled_from(FUNDS)
purposes = st.sampled_from(PURPOSES)
amounts = st.integers(min_value=1, max_value=1_000)


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

    def send(self, sent):
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
        elif outcome != "exists":
            self.refused.append(sent)

    @rule(fund=funds, purpose=purposes, amount=amounts)
    def donate(self, fund, purpose, amount):
        self.send(Sent(donation(self.fresh_id(), fund, amount, purpose), {(fund, purpose): amount}))

    @rule(fund=funds, purpose=purposes, kind=st.sampled_from(KINDS), amount=amounts)
    def pay(self, fund, purpose, kind, amount):
        transfer = disbursement_payment(self.fresh_id(), fund, amount, kind, purpose)
        self.send(Sent(transfer, {(fund, purpose): -amount}))

    @rule(pair=st.permutations(FUNDS), purpose=purposes, amount=amounts)
    def transfer_between_funds(self, pair, purpose, amount):
        source, target = pair[:2]
        transfer = fund_transfer(self.fresh_id(), source, target, amount, purpose)
        self.send(Sent(transfer, {(source, purpose): -amount, (target, purpose): amount}))

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


LedgerModel.TestCase.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)
test_the_ledger_agrees_with_its_model = LedgerModel.TestCase
