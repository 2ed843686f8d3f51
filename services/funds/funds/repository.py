"""Every query of the funds service: the only module that builds ``select()``."""

from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from funds.domain import AccountKey, AccountKind, AccountState
from funds.models import ORG_UNITS, Account, Disbursement, Donation, Fund, Posting, ReceiptCounter, Transfer
from servicekit import db


def _dialect(session):
    return postgresql if db.is_postgres(session) else sqlite


def _in_subtree(column, path):
    """A prefix match on a materialised path; codes never hold LIKE wildcards (see members.repository)."""
    if "%" in path or "_" in path:
        raise ValueError(f"unit path with a LIKE wildcard: {path!r}")
    return column.like(path + "%")


def _page(session, query, page, page_size):
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    items = session.execute(query.limit(page_size).offset((page - 1) * page_size)).scalars().all()
    return items, total


def add(session, *rows):
    session.add_all(rows)
    session.flush()


# --- units and funds -----------------------------------------------------------------------------------


def unit_names(session, codes):
    rows = session.execute(select(ORG_UNITS.c.code, ORG_UNITS.c.name).where(ORG_UNITS.c.code.in_(set(codes))))
    return dict(rows.all())


def child_units(session, parent_code):
    return session.execute(
        select(ORG_UNITS.c.code, ORG_UNITS.c.name, ORG_UNITS.c.path)
        .where(ORG_UNITS.c.parent_code == parent_code)
        .order_by(ORG_UNITS.c.code)
    ).all()


def get_fund(session, fund_id, scope_path=None):
    query = select(Fund).where(Fund.id == fund_id)
    if scope_path is not None:
        query = query.where(_in_subtree(Fund.unit_path, scope_path))
    return session.execute(query).scalar_one_or_none()


def list_funds(session, scope_path, kind, include_closed, page, page_size):
    query = select(Fund).where(_in_subtree(Fund.unit_path, scope_path))
    if kind:
        query = query.where(Fund.kind == kind)
    if not include_closed:
        query = query.where(Fund.closed_at.is_(None))
    return _page(session, query.order_by(Fund.unit_path, Fund.created_at, Fund.id), page, page_size)


def funds_in_subtree(session, scope_path):
    return session.execute(select(Fund).where(_in_subtree(Fund.unit_path, scope_path))).scalars().all()


def fund_by_unit_and_name(session, unit_code, name):
    return session.execute(select(Fund).where(Fund.unit_code == unit_code, Fund.name == name)).scalar_one_or_none()


def account_states(session, fund_ids):
    """``{AccountKey: AccountState}`` of every account of these funds."""
    rows = session.execute(select(Account).where(Account.fund_id.in_([_uuid(f) for f in fund_ids]))).scalars()
    return {
        AccountKey(str(a.fund_id), a.kind, a.purpose): AccountState(a.debits_posted, a.credits_posted) for a in rows
    }


# --- the ledger ----------------------------------------------------------------------------------------


def lock_account(session, key):
    """The account's row, created empty if it is new, locked until the transaction ends; returns
    ``(id, AccountState)``. The upsert that rewrites a column with itself takes the row lock on PostgreSQL
    whether the row existed or not (SQLite's writer lock is already held since BEGIN IMMEDIATE)."""
    table = Account.__table__
    statement = (
        _dialect(session)
        .insert(table)
        .values(fund_id=_uuid(key.fund_id), kind=str(key.kind), purpose=key.purpose, debits_posted=0, credits_posted=0)
        .on_conflict_do_update(
            index_elements=["fund_id", "kind", "purpose"], set_={"debits_posted": table.c.debits_posted}
        )
        .returning(table.c.id, table.c.debits_posted, table.c.credits_posted)
    )
    row = session.execute(statement).one()
    return row.id, AccountState(row.debits_posted, row.credits_posted)


def write_account(session, account_id, state):
    session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(debits_posted=state.debits_posted, credits_posted=state.credits_posted)
    )


def insert_transfer(session, values, postings):
    """The transfer row and its postings: ``postings`` are ``(account_id, debit, credit)``."""
    session.execute(insert(Transfer).values(**values))
    session.execute(
        insert(Posting),
        [{"transfer_id": values["id"], "account_id": a, "debit": d, "credit": c} for a, d, c in postings],
    )


def get_transfer(session, transfer_id):
    return session.get(Transfer, transfer_id)


def postings_of(session, transfer_id):
    """``[(AccountKey, debit, credit)]`` of a stored transfer, in the order written."""
    rows = session.execute(
        select(Account.fund_id, Account.kind, Account.purpose, Posting.debit, Posting.credit)
        .join(Account, Account.id == Posting.account_id)
        .where(Posting.transfer_id == transfer_id)
        .order_by(Posting.id)
    ).all()
    return [(AccountKey(str(r.fund_id), r.kind, r.purpose), r.debit, r.credit) for r in rows]


def reversal_ids(session, transfer_ids):
    """``{original id: reversal id}`` for those of ``transfer_ids`` that were reversed."""
    ids = [t for t in transfer_ids if t]
    if not ids:
        return {}
    rows = session.execute(select(Transfer.reverses, Transfer.id).where(Transfer.reverses.in_(ids))).all()
    return dict(rows)


def take_receipt_seq(session, unit_code, year):
    """The next receipt number of a unit and year; the row lock serialises concurrent takers."""
    session.execute(
        _dialect(session).insert(ReceiptCounter).values(unit_code=unit_code, year=year, last=0).on_conflict_do_nothing()
    )
    return session.execute(
        update(ReceiptCounter)
        .where(ReceiptCounter.unit_code == unit_code, ReceiptCounter.year == year)
        .values(last=ReceiptCounter.last + 1)
        .returning(ReceiptCounter.last)
    ).scalar_one()


# --- donations and disbursements -----------------------------------------------------------------------


def get_donation(session, donation_id, scope_path=None):
    query = select(Donation, Fund).join(Fund, Fund.id == Donation.fund_id).where(Donation.id == donation_id)
    if scope_path is not None:
        query = query.where(_in_subtree(Fund.unit_path, scope_path))
    return session.execute(query).first()


def list_donations(session, fund_id, page, page_size):
    query = select(Donation).where(Donation.fund_id == fund_id)
    return _page(session, query.order_by(Donation.received_on.desc(), Donation.created_at.desc()), page, page_size)


def get_disbursement(session, disbursement_id, scope_path=None, for_update=False):
    query = (
        select(Disbursement, Fund).join(Fund, Fund.id == Disbursement.fund_id).where(Disbursement.id == disbursement_id)
    )
    if scope_path is not None:
        query = query.where(_in_subtree(Fund.unit_path, scope_path))
    if for_update:
        query = query.with_for_update(of=Disbursement)
    return session.execute(query).first()


def list_disbursements(session, fund_id, status, page, page_size):
    query = select(Disbursement).where(Disbursement.fund_id == fund_id)
    if status:
        query = query.where(Disbursement.status == status)
    return _page(session, query.order_by(Disbursement.proposed_at.desc(), Disbursement.id), page, page_size)


# --- reports -------------------------------------------------------------------------------------------


def cash_flows(session, fund_ids, date_from=None, date_to=None):
    """The change of the money held (CASH debits - credits) by the funds' transfers that occurred in
    ``[date_from, date_to]`` (a bound of None is open), grouped by fund, transfer kind, direction ("in"
    for the receiving fund of a transfer), donation channel, purpose and, for payments, disbursement kind
    (the purpose of the payment's DISBURSEMENTS posting)."""
    ids = [_uuid(f) for f in fund_ids]
    if not ids:
        return []
    conditions = [Account.fund_id.in_(ids), Account.kind == AccountKind.CASH.value]
    if date_from is not None:
        conditions.append(Transfer.occurred_on >= date_from)
    if date_to is not None:
        conditions.append(Transfer.occurred_on <= date_to)
    spent = aliased(Account)
    spent_posting = aliased(Posting)
    direction = case((Transfer.counter_fund_id == Account.fund_id, "in"), else_="out")
    query = (
        select(
            Account.fund_id,
            Transfer.kind,
            direction.label("direction"),
            Donation.channel,
            Account.purpose,
            spent.purpose.label("disbursement_kind"),
            func.sum(Posting.debit - Posting.credit).label("amount"),
        )
        .select_from(Posting)
        .join(Account, Account.id == Posting.account_id)
        .join(Transfer, Transfer.id == Posting.transfer_id)
        .outerjoin(Donation, Donation.id == Transfer.id)
        .outerjoin(
            spent,
            and_(
                Transfer.kind == "disbursement_payment",
                spent.kind == AccountKind.DISBURSEMENTS.value,
                spent.id.in_(select(spent_posting.account_id).where(spent_posting.transfer_id == Transfer.id)),
            ),
        )
        .where(*conditions)
        .group_by(Account.fund_id, Transfer.kind, direction, Donation.channel, Account.purpose, spent.purpose)
    )
    return session.execute(query).all()


def disclosed_donations(session, scope_path, date_from, date_to):
    """Donations of the subtree received in the period and not reversed, with their fund's name."""
    reversal = aliased(Transfer)
    return session.execute(
        select(Donation, Fund.name)
        .join(Fund, Fund.id == Donation.fund_id)
        .outerjoin(reversal, reversal.reverses == Donation.id)
        .where(
            _in_subtree(Fund.unit_path, scope_path),
            Donation.received_on.between(date_from, date_to),
            reversal.id.is_(None),
        )
        .order_by(Donation.received_on, Donation.receipt_number)
    ).all()


def disclosed_payments(session, scope_path, date_from, date_to):
    """Disbursements of the subtree paid in the period and not reversed, with their fund's name."""
    reversal = aliased(Transfer)
    return session.execute(
        select(Disbursement, Fund.name)
        .join(Fund, Fund.id == Disbursement.fund_id)
        .outerjoin(reversal, reversal.reverses == Disbursement.paid_transfer_id)
        .where(
            _in_subtree(Fund.unit_path, scope_path),
            Disbursement.status == "PAID",
            Disbursement.paid_on.between(date_from, date_to),
            reversal.id.is_(None),
        )
        .order_by(Disbursement.paid_on, Disbursement.id)
    ).all()


# --- what tests and the model check look at ------------------------------------------------------------


def ledger_totals(session):
    """(sum of all debits, sum of all credits) over every posting."""
    row = session.execute(select(func.coalesce(func.sum(Posting.debit), 0), func.coalesce(func.sum(Posting.credit), 0)))
    return tuple(row.one())


def _uuid(value):
    import uuid

    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
