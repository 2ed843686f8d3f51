"""Fixtures of the notifications use-case tests: real databases (``notifications_db_url``, SQLite and
PostgreSQL), a real local SMTP server and HTTP receivers, no nameko.

- ``uow()``: a fresh unit of work; ``sessions``: the session factory.
- ``book``: the service's own rules and templates; ``settings``: short backoffs, 3 attempts, digest after 2.
- ``event(event_type, **payload)``: an envelope and payload as the event handler receives them.
- ``directory``: a ``FakeDirectory`` (what members, funds, evaluations would answer).
- ``smtp``, ``sms``, ``hook``: local receivers; ``dispatcher``: a ``Dispatcher`` wired to them.
- ``deliver_all()``: run the dispatcher until nothing is due (retries included, waiting out backoffs).
- ``rows(table, **equal)``: what a table holds.
"""

import uuid
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from contracts.envelope import load_event, make_event
from notifications import models, rules
from notifications.domain import Settings
from notifications.testing import FakeDirectory, HttpReceiver, SmtpServer, local_channels
from notifications.usecases import dispatch
from servicekit import db
from servicekit.testing import wait_for
from servicekit.uow import Work


@pytest.fixture
def engine(notifications_db_url):
    engine = db.make_engine(notifications_db_url, pool_size=4)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    return sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def uow(sessions):
    return lambda: Work(sessions, models.metadata, "notifications")


@pytest.fixture(scope="session")
def book():
    return rules.load_rulebook()


@pytest.fixture
def settings():
    return Settings(
        max_attempts=3,
        backoff_seconds=0.01,
        backoff_max_seconds=0.05,
        lease_seconds=30,
        digest_threshold=2,
        rotation_grace_seconds=3600,
    )


def member_event(event_type="member_registered", **payload):
    values = {
        "member_id": str(uuid.uuid4()),
        "member_version": 1,
        "unit_code": "00070",
        "unit_path": "/VN/01/00070/",
        "join_date": date(2026, 3, 1),
    }
    values.update(payload)
    return load_event(make_event(event_type, values, "members").to_message())


@pytest.fixture
def event():
    return member_event


@pytest.fixture
def directory():
    return FakeDirectory()


@pytest.fixture(scope="session")
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def sms():
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def hook():
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def dispatcher(sessions, book, settings, directory, smtp, sms):
    return dispatch.Dispatcher(sessions, book, settings, directory, local_channels(smtp, sms))


@pytest.fixture
def rows(engine):
    def rows(table, **equal):
        table = models.metadata.tables[table]
        with engine.connect() as connection:
            query = select(table).where(*[table.c[k] == v for k, v in equal.items()])
            return [row._mapping for row in connection.execute(query)]

    return rows


@pytest.fixture
def deliver_all(dispatcher, rows):
    """Dispatch until no delivery is waiting (PENDING, FAILED or SENDING), retries included."""

    def deliver_all():
        def settled():
            dispatcher.run_once()
            return not [r for r in rows("deliveries") if r["state"] in ("PENDING", "FAILED", "SENDING")]

        wait_for(settled, 10, 0.02, "every delivery settled")

    return deliver_all
