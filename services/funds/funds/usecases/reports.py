"""Reports: a fund's statement for a period, totals rolled up over a unit's subtree, and the public
disclosure of receipts and spending. Every figure comes from the ledger's postings on CASH accounts, so
the statement's identity (opening + flows = closing) holds by the ledger's own arithmetic, and the test
checks it against an independent query of the closing balance."""

from collections import defaultdict
from datetime import timedelta

from funds import repository
from funds.models import ORG_UNITS
from funds.usecases import common
from servicekit import orgunits

ANONYMOUS_VI = "Ẩn danh"


def _flows(rows):
    """The period's CASH movements of one or more funds, sorted into the statement's lines."""
    lines = {
        "receipts_vnd": 0,
        "disbursements_vnd": 0,
        "transfers_in_vnd": 0,
        "transfers_out_vnd": 0,
        "reversals_vnd": 0,
    }
    by_channel, by_purpose, by_kind = defaultdict(int), defaultdict(int), defaultdict(int)
    for row in rows:
        if row.kind == "donation":
            lines["receipts_vnd"] += row.amount
            by_channel[row.channel] += row.amount
            by_purpose[row.purpose] += row.amount
        elif row.kind == "disbursement_payment":
            lines["disbursements_vnd"] -= row.amount
            by_kind[row.disbursement_kind] -= row.amount
        elif row.kind == "fund_transfer":
            key = "transfers_in_vnd" if row.direction == "in" else "transfers_out_vnd"
            lines[key] += abs(row.amount)
        else:
            lines["reversals_vnd"] += row.amount
    return lines, by_channel, by_purpose, by_kind


def _net(lines):
    return (
        lines["receipts_vnd"]
        - lines["disbursements_vnd"]
        + lines["transfers_in_vnd"]
        - lines["transfers_out_vnd"]
        + lines["reversals_vnd"]
    )


def _listed(amounts, view=lambda key: key):
    return [{"key": view(key), "amount_vnd": amount} for key, amount in sorted(amounts.items()) if amount]


def fund_statement(uow, actor, fund_id, query):
    date_from, date_to = query["date_from"], query["date_to"]
    with uow:
        fund = common.fund_in_scope(uow.session, actor, fund_id)
        before = repository.cash_flows(uow.session, [fund.id], None, date_from - timedelta(days=1))
        opening = sum(row.amount for row in before)
        period = repository.cash_flows(uow.session, [fund.id], date_from, date_to)
        lines, by_channel, by_purpose, by_kind = _flows(period)
        closing = sum(row.amount for row in repository.cash_flows(uow.session, [fund.id], None, date_to))
        return {
            "fund_id": str(fund.id),
            "fund_name": fund.name,
            "unit_code": fund.unit_code,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "opening_balance_vnd": opening,
            **lines,
            "receipts_by_channel": _listed(by_channel),
            "receipts_by_purpose": _listed(by_purpose, common.purpose_view),
            "disbursements_by_kind": _listed(by_kind),
            "closing_balance_vnd": closing,
        }


def unit_funds_summary(uow, actor, code, query):
    """Totals of every fund in the unit's subtree: per fund kind and per child unit (a province sees each
    commune's subtree as one line; the unit's own funds count in the totals but in no child)."""
    date_from, date_to = query["date_from"], query["date_to"]
    with uow:
        scope = common.scope_path(uow.session, actor)
        unit = orgunits.unit_in_scope(uow.session, ORG_UNITS, code, scope)
        funds = repository.funds_in_subtree(uow.session, unit.path)
        ids = [f.id for f in funds]
        balance, receipts, spent = defaultdict(int), defaultdict(int), defaultdict(int)
        for row in repository.cash_flows(uow.session, ids, None, date_to):
            balance[row.fund_id] += row.amount
        for row in repository.cash_flows(uow.session, ids, date_from, date_to):
            if row.kind == "donation":
                receipts[row.fund_id] += row.amount
            elif row.kind == "disbursement_payment":
                spent[row.fund_id] -= row.amount

        def totals(selected):
            return {
                "funds": len(selected),
                "balance_vnd": sum(balance[f.id] for f in selected),
                "receipts_vnd": sum(receipts[f.id] for f in selected),
                "disbursements_vnd": sum(spent[f.id] for f in selected),
            }

        kinds = sorted({f.kind for f in funds})
        children = repository.child_units(uow.session, unit.code)
        by_child = []
        for child in children:
            selected = [f for f in funds if f.unit_path.startswith(child.path)]
            if selected:
                by_child.append({"unit_code": child.code, "unit_name": child.name, **totals(selected)})
        return {
            "unit_code": unit.code,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            **totals(funds),
            "by_fund_kind": [{"key": k, **totals([f for f in funds if f.kind == k])} for k in kinds],
            "by_child_unit": by_child,
        }


def unit_disclosure(uow, actor, code, query):
    """The public list (công khai) of a unit subtree's receipts and spending in a period: donors by name
    unless anonymous, beneficiaries by name, never a contact detail. Reversed movements are left out:
    they did not happen."""
    date_from, date_to = query["date_from"], query["date_to"]
    with uow:
        scope = common.scope_path(uow.session, actor)
        unit = orgunits.unit_in_scope(uow.session, ORG_UNITS, code, scope)
        receipts = [
            {
                "receipt_number": d.receipt_number,
                "fund_name": fund_name,
                "donor": d.donor_name if d.donor_kind != "ANONYMOUS" and d.donor_name else ANONYMOUS_VI,
                "amount_vnd": d.amount_vnd,
                "received_on": d.received_on.isoformat(),
                "channel": d.channel,
                "purpose": common.purpose_view(d.purpose),
            }
            for d, fund_name in repository.disclosed_donations(uow.session, unit.path, date_from, date_to)
        ]
        spending = [
            {
                "fund_name": fund_name,
                "kind": d.kind,
                "beneficiary_name": d.beneficiary_name,
                "amount_vnd": d.amount_vnd,
                "paid_on": d.paid_on.isoformat(),
                "decision_reference": d.decision_reference,
                "purpose": common.purpose_view(d.purpose),
            }
            for d, fund_name in repository.disclosed_payments(uow.session, unit.path, date_from, date_to)
        ]
        return {
            "unit_code": unit.code,
            "unit_name": unit.name,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "receipts": receipts,
            "spending": spending,
            "receipts_vnd": sum(r["amount_vnd"] for r in receipts),
            "spending_vnd": sum(s["amount_vnd"] for s in spending),
        }
