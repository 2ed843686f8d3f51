"""The funds part of the review report (issue 11): what a unit subtree raised and spent in a period and
what its funds held at the end, in total and per direct child unit as the tree stood in the period.

A fund counts under its owner unit as that unit stood on the report's day (``date_to``, or the unit's last
day if it closed before): the funds of a commune merged away still count under the old commune for a
period before the merge, and their money under the survivor after it. Transfers between funds, the merge
transfers among them, are neither raised nor spent; they only move balances.
"""

from contracts.funds import CHANNELS, DISBURSEMENT_KINDS
from contracts.reports import FundsReportPartSchema
from funds import repository_review
from funds.models import ORG_UNIT_PATHS, ORG_UNITS
from funds.usecases import common
from servicekit import orgunits


class _Figures:
    """The figures of one set of owner units, added up row by row."""

    def __init__(self):
        self.raised_by_channel = dict.fromkeys(CHANNELS, 0)
        self.spent_by_kind = dict.fromkeys(DISBURSEMENT_KINDS, 0)
        self.donations = self.disbursements = self.balance_at_end = 0
        self.beneficiaries = set()

    def add_donations(self, channel, count, amount):
        self.raised_by_channel[channel] = self.raised_by_channel.get(channel, 0) + int(amount)
        self.donations += count

    def add_payments(self, kind, beneficiary, count, amount):
        self.spent_by_kind[kind] = self.spent_by_kind.get(kind, 0) + int(amount)
        self.disbursements += count
        self.beneficiaries.add(beneficiary)

    def add_balance(self, amount):
        self.balance_at_end += int(amount)

    def view(self):
        return {
            "raised": sum(self.raised_by_channel.values()),
            "raised_by_channel": self.raised_by_channel,
            "donations": self.donations,
            "spent": sum(self.spent_by_kind.values()),
            "spent_by_kind": self.spent_by_kind,
            "disbursements": self.disbursements,
            "beneficiaries": len(self.beneficiaries),
            "balance_at_end": self.balance_at_end,
        }


def review_report_part(uow, actor, code, date_from, date_to):
    """``FundsReportPartSchema`` for the unit ``code`` (in the actor's scope, else ``UnitNotFound``)."""
    with uow:
        session = uow.session
        unit = orgunits.unit_in_scope(session, ORG_UNITS, code, common.scope_path(session, actor))
        children = orgunits.children_in_period(session, ORG_UNITS, ORG_UNIT_PATHS, unit.code, date_from, date_to)
        row_of = _rows_by_owner(session, unit, {child["code"] for child in children}, date_to)
        owners = repository_review.owner_filter(unit.path, repository_review.moved_codes(session) & set(row_of))
        total, by_child = _Figures(), {child["code"]: _Figures() for child in children}

        def figures_of(owner):
            """The figures an owner's rows add to; none for a fund matched by its current path only."""
            if owner not in row_of:
                return ()
            return (total,) if row_of[owner] is None else (total, by_child[row_of[owner]])

        for owner, *row in repository_review.donations_by_owner(session, owners, date_from, date_to):
            for figures in figures_of(owner):
                figures.add_donations(*row)
        for owner, *row in repository_review.payments_by_owner(session, owners, date_from, date_to):
            for figures in figures_of(owner):
                figures.add_payments(*row)
        for owner, amount in repository_review.balances_by_owner(session, owners, date_to):
            for figures in figures_of(owner):
                figures.add_balance(amount)
        by_unit = [{"unit_code": child["code"], "funds": by_child[child["code"]].view()} for child in children]
        return FundsReportPartSchema().dump({"funds": total.view(), "by_unit": by_unit})


def _rows_by_owner(session, unit, child_codes, date_to):
    """``{owner code: child code, or None for the unit itself}`` for every unit of the subtree as it stood
    on the report's day: ``date_to``, or the unit's last day if it closed before."""
    day = min(date_to, unit.valid_to) if unit.valid_to else date_to
    tree = orgunits.tree_as_of(session, ORG_UNITS, ORG_UNIT_PATHS, day)
    root = tree[unit.code][0]
    rows = {}
    for code, (path, _) in tree.items():
        if not orgunits.is_in_subtree(path, root):
            continue
        below = path[len(root) :].strip("/")
        first = below.split("/")[0] if below else None
        rows[code] = first if first in child_codes else None
    return rows
