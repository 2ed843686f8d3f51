"""Fixtures of the members use-case tests: real databases (the root ``members_db_url``, SQLite and
PostgreSQL), one ``servicekit.uow.Work`` per call as the service builds one per worker, no nameko.

- ``uow()``: a fresh unit of work on the test's database.
- ``actor(role, unit_code)``: who calls, as the gateway passes it (a new officer id per actor).
- ``register(unit_code, by=actor, **fields)``: a valid member registered through the use case.
- ``registration(**overrides)``: a valid registration command (a unique CCCD each time), loaded with the
  contracts schema as the service loads it.
- ``new_cccd(gender, birth_year)``, ``search_query(**fields)``.
- ``rows(table, **equal)``, ``count(table, **equal)``: what a table holds.
- ``lose_race(rival, use_case)``: the use case loses a race on a unique key (PostgreSQL only).
- ``events(event_type)``: outbox rows as (row, decoded body) pairs, oldest first.
"""

import json
import time
import uuid

import eventlet
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from contracts.members import MemberSearchSchema, RegisterMemberSchema
from members import models
from members.testing import member_payload, new_cccd
from members.usecases import members
from servicekit import db
from servicekit.uow import Work


def registration(**overrides):
    """A registration command as the service passes it to the use case: a valid body (its CCCD new and
    agreeing with gender and birth year) loaded with the contracts schema."""
    return RegisterMemberSchema().load(member_payload(**overrides))


def make_actor(role="OFFICER", unit_code="00070", officer_id=None):
    officer_id = officer_id or str(uuid.uuid4())
    return {"officer_id": officer_id, "username": f"t.{role.lower()}.{officer_id[:8]}", "role": role,
            "unit_code": unit_code}


@pytest.fixture(name="new_cccd")
def new_cccd_fixture():
    return new_cccd


@pytest.fixture(name="registration")
def registration_fixture():
    return registration


@pytest.fixture
def search_query():
    """A member search as the service passes it (defaults of page and page size filled in)."""
    return lambda **fields: MemberSearchSchema().load(fields)


@pytest.fixture
def engine(members_db_url):
    engine = db.make_engine(members_db_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine):
    factory = sessionmaker(engine, expire_on_commit=False)
    return lambda: Work(factory, models.metadata, "members")


@pytest.fixture
def actor():
    return make_actor


@pytest.fixture
def officer():
    """An OFFICER of commune 00070 (Phường Hoàn Kiếm, Hà Nội)."""
    return make_actor("OFFICER", "00070")


@pytest.fixture
def register(uow, officer):
    """Register a valid member (``**overrides`` of the payload) and return the use case's view."""

    def register(unit_code="00070", by=None, **overrides):
        return members.register_member(uow(), by or officer, registration(unit_code=unit_code, **overrides))

    return register


def _where(table, equal):
    return [table.c[name] == value for name, value in equal.items()]


@pytest.fixture
def rows(engine):
    """Rows of a table whose columns equal ``**equal``, as mappings (ids as ``uuid.UUID``)."""

    def rows(table, **equal):
        table = models.metadata.tables[table]
        with engine.connect() as connection:
            return [row._mapping for row in connection.execute(select(table).where(*_where(table, equal)))]

    return rows


@pytest.fixture
def count(engine):
    def count(table, **equal):
        table = models.metadata.tables[table]
        query = select(func.count()).select_from(table).where(*_where(table, equal))
        with engine.connect() as connection:
            return connection.execute(query).scalar_one()

    return count


@pytest.fixture
def events(engine):
    """Outbox rows of one event type (or all), oldest first, as (row, decoded body)."""

    def events(event_type=None):
        outbox = models.OUTBOX
        query = select(outbox).order_by(outbox.c.id)
        if event_type:
            query = query.where(outbox.c.event_type == event_type)
        with engine.connect() as connection:
            return [(row, json.loads(row.body)) for row in connection.execute(query)]

    return events


@pytest.fixture
def lose_race(engine):
    """Run ``use_case()`` while another transaction holds ``rival`` (a row with the same unique key), not
    yet committed: the use case's checks do not see it, its INSERT waits for it, then the rival commits.
    Returns what the use case returned (or raises what it raised).

    PostgreSQL only: SQLite takes the write lock at BEGIN (servicekit.db), so writers queue and never race.
    """
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite writers queue at BEGIN IMMEDIATE: there is no race to lose")

    def lose_race(rival, use_case):
        with Session(engine) as competitor:
            competitor.add(rival)
            competitor.flush()
            racer = eventlet.spawn(use_case)
            _wait_until_blocked(engine, racer)
            competitor.commit()
        return racer.wait()

    return lose_race


def _wait_until_blocked(engine, racer, timeout=10):
    """Poll (with a deadline) until a query of the test's database waits for a lock, or the racer ended."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    deadline = time.monotonic() + timeout
    with engine.connect() as connection:
        while not racer.dead and not connection.execute(query).scalar_one():
            connection.rollback()  # pg_stat_activity is a snapshot taken once per transaction
            assert time.monotonic() < deadline, "the use case never waited for the rival's row"
            eventlet.sleep(0.01)
