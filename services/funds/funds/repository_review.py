"""The selects of the review report and of reorganisations (``repository.py`` holds the others).

Report figures are grouped by the fund's owner unit (``funds.unit_code``): one query per figure for a
whole subtree, and the use case adds the owners' rows up per child unit as the tree stood in the period.
``owners`` is the condition that picks the candidate funds (see ``owner_filter``).
"""

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import aliased

from funds.domain import AccountKind
from funds.models import ORG_UNIT_PATHS, Account, Disbursement, Donation, Fund, Posting, Transfer
from funds.repository import _in_subtree

# --- the review report ---------------------------------------------------------------------------------


def moved_codes(session):
    """Codes of the units that had another path before a reorganisation."""
    return set(session.execute(select(ORG_UNIT_PATHS.c.code).distinct()).scalars())


def owner_filter(current_path, codes):
    """Funds whose owner is now under ``current_path``, or is one of ``codes`` (units that moved)."""
    condition = _in_subtree(Fund.unit_path, current_path)
    return or_(condition, Fund.unit_code.in_(sorted(codes))) if codes else condition


def donations_by_owner(session, owners, date_from, date_to):
    """``(unit_code, channel, donations, amount)`` of the donations received in the period and not reversed."""
    reversal = aliased(Transfer)
    return session.execute(
        select(Fund.unit_code, Donation.channel, func.count(Donation.id), func.sum(Donation.amount_vnd))
        .join(Fund, Fund.id == Donation.fund_id)
        .outerjoin(reversal, reversal.reverses == Donation.id)
        .where(owners, Donation.received_on.between(date_from, date_to), reversal.id.is_(None))
        .group_by(Fund.unit_code, Donation.channel)
    ).all()


def payments_by_owner(session, owners, date_from, date_to):
    """``(unit_code, kind, beneficiary_name, payments, amount)`` of the disbursements paid in the period and
    not reversed: grouped by beneficiary too, so that distinct beneficiaries add up over any set of units."""
    reversal = aliased(Transfer)
    return session.execute(
        select(
            Fund.unit_code,
            Disbursement.kind,
            Disbursement.beneficiary_name,
            func.count(Disbursement.id),
            func.sum(Disbursement.amount_vnd),
        )
        .join(Fund, Fund.id == Disbursement.fund_id)
        .outerjoin(reversal, reversal.reverses == Disbursement.paid_transfer_id)
        .where(
            owners,
            Disbursement.status == "PAID",
            Disbursement.paid_on.between(date_from, date_to),
            reversal.id.is_(None),
        )
        .group_by(Fund.unit_code, Disbursement.kind, Disbursement.beneficiary_name)
    ).all()


def balances_by_owner(session, owners, day):
    """``(unit_code, balance)``: the money the funds held at the end of ``day``, from the CASH postings of
    the transfers that occurred up to that day."""
    return session.execute(
        select(Fund.unit_code, func.sum(Posting.debit - Posting.credit))
        .select_from(Posting)
        .join(Account, Account.id == Posting.account_id)
        .join(Transfer, Transfer.id == Posting.transfer_id)
        .join(Fund, Fund.id == Account.fund_id)
        .where(owners, Account.kind == AccountKind.CASH.value, Transfer.occurred_on <= day)
        .group_by(Fund.unit_code)
    ).all()


# --- reorganisations -----------------------------------------------------------------------------------


def open_funds_of(session, unit_codes):
    """The open funds of these units, in a stable order (the oldest first), locked until the end."""
    return (
        session.execute(
            select(Fund)
            .where(Fund.unit_code.in_(sorted(unit_codes)), Fund.closed_at.is_(None))
            .order_by(Fund.unit_code, Fund.created_at, Fund.id)
            .with_for_update()
        )
        .scalars()
        .all()
    )


def open_fund_like(session, unit_code, kind, name=None):
    """The unit's oldest open fund of this kind (and name, when given), or None."""
    query = select(Fund).where(Fund.unit_code == unit_code, Fund.kind == kind, Fund.closed_at.is_(None))
    if name is not None:
        query = query.where(Fund.name == name)
    return session.execute(query.order_by(Fund.created_at, Fund.id).limit(1)).scalar_one_or_none()


def last_movement_day(session, fund_id):
    """The latest day on which a transfer moved the fund's money, or None."""
    return session.execute(
        select(func.max(Transfer.occurred_on)).where(
            or_(Transfer.fund_id == fund_id, Transfer.counter_fund_id == fund_id)
        )
    ).scalar_one()


def move_fund_paths(session, unit_code, path):
    """A unit moved in the tree: its funds' copied path follows (their subtree filters need no join)."""
    session.execute(update(Fund).where(Fund.unit_code == unit_code, Fund.unit_path != path).values(unit_path=path))


def repoint_pending_disbursements(session, fund_id, target_id):
    """Disbursements proposed or approved but not yet paid follow the fund's money to its new fund."""
    return session.execute(
        update(Disbursement)
        .where(Disbursement.fund_id == fund_id, Disbursement.status.in_(("PROPOSED", "APPROVED")))
        .values(fund_id=target_id)
    ).rowcount
