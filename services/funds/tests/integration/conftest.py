"""Fixtures of the funds use-case tests: real databases (the root ``funds_db_url``, SQLite and
PostgreSQL), one ``servicekit.uow.Work`` per call as the service builds one per worker, no nameko.

- ``uow()``: a fresh unit of work; ``actor(role, unit_code)``: who calls, a new officer id each time.
- ``new_fund(unit_code, by=..., **fields)``: a fund created through the use case (its view).
- ``donate(fund_id, amount, by=..., purpose=None, **fields)``: a donation with a fresh transfer id.
- ``pay(fund_id, amount, beneficiary, kind=..., paid_on=..., purpose=None)``: a disbursement proposed,
  approved by another officer and paid (its view).
- ``rows(table, **equal)``, ``count(table, **equal)``, ``events(event_type)``: what the database holds.
"""

import json
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from contracts.funds import (
    ApproveDisbursementSchema,
    CreateFundSchema,
    PayDisbursementSchema,
    ProposeDisbursementSchema,
)
from funds import models
from funds.testing import donation_command, make_actor, scholarship_body
from funds.usecases import disbursements, donations, funds
from servicekit import db
from servicekit.uow import Work


@pytest.fixture
def engine(funds_db_url):
    engine = db.make_engine(funds_db_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine):
    factory = sessionmaker(engine, expire_on_commit=False)
    return lambda: Work(factory, models.metadata, "funds")


@pytest.fixture
def actor():
    return make_actor


@pytest.fixture
def officer():
    """An OFFICER of commune 00070 (Phường Hoàn Kiếm, Hà Nội)."""
    return make_actor("OFFICER", "00070")


@pytest.fixture
def new_fund(uow, officer):
    def new_fund(unit_code="00070", by=None, **fields):
        body = {"unit_code": unit_code, "name": "Quỹ khuyến học phường", "kind": "GENERAL", **fields}
        return funds.create_fund(uow(), by or officer, CreateFundSchema().load(body))

    return new_fund


@pytest.fixture
def donate(uow, officer):
    def donate(fund_id, amount_vnd=1_000_000, by=None, purpose=None, transfer_id=None, **fields):
        command = donation_command(amount_vnd, purpose, **fields)
        return donations.record_donation(uow(), by or officer, fund_id, command, transfer_id or str(uuid.uuid4()))

    return donate


@pytest.fixture
def pay(uow):
    """A disbursement proposed and paid by an ADMIN of the province, approved by another."""
    treasurer, chair = make_actor("ADMIN", "01"), make_actor("ADMIN", "01")

    def pay(fund_id, amount_vnd, beneficiary_name, kind="HOC_BONG", paid_on=None, purpose=None):
        body = scholarship_body(amount_vnd, purpose, kind=kind, beneficiary_name=beneficiary_name)
        proposed = disbursements.propose_disbursement(uow(), treasurer, fund_id, ProposeDisbursementSchema().load(body))
        disbursements.approve_disbursement(uow(), chair, proposed["id"], ApproveDisbursementSchema().load({}))
        command = PayDisbursementSchema().load({"paid_on": paid_on.isoformat() if paid_on else None})
        return disbursements.pay_disbursement(uow(), treasurer, proposed["id"], command, str(uuid.uuid4()))

    return pay


@pytest.fixture
def get_fund(uow):
    return lambda fund_id, by=None: funds.get_fund(uow(), by or make_actor("VIEWER", "VN"), fund_id)


def _where(table, equal):
    return [table.c[name] == value for name, value in equal.items()]


@pytest.fixture
def rows(engine):
    def rows(table, **equal):
        table = models.metadata.tables[table]
        with engine.connect() as connection:
            return [row._mapping for row in connection.execute(select(table).where(*_where(table, equal)))]

    return rows


@pytest.fixture
def count(engine):
    def count(table, **equal):
        table = models.metadata.tables[table]
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table).where(*_where(table, equal))).scalar_one()

    return count


@pytest.fixture
def events(engine):
    """Outbox rows of one event type (or all), oldest first, as decoded bodies."""

    def events(event_type=None):
        outbox = models.OUTBOX
        query = select(outbox).order_by(outbox.c.id)
        if event_type:
            query = query.where(outbox.c.event_type == event_type)
        with engine.connect() as connection:
            return [json.loads(row.body) for row in connection.execute(query)]

    return events
