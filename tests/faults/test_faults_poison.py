"""A poison event: a member_registered whose ``member_version`` the evaluations projection cannot store
(beyond its 32-bit column) makes the real handler fail on every delivery. Under load, it is retried with
backoff until RabbitMQ's delivery limit dead-letters it (reason ``delivery_limit``: retried, not rejected
as unreadable), while the other events keep flowing; notifications, whose handler can take it, handles it
once. An operator fixes the column and replays the dead letter with ``servicekit.deadletters``: the
projection then holds the member once, and the whole platform reconciles."""

import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import pytest
from kombu import Connection
from sqlalchemy import create_engine, select, text

from contracts.envelope import make_event
from contracts.topology import subscription
from evaluations.models import INBOX, MemberUnit
from servicekit import deadletters
from servicekit.testing import publish_raw, wait_for
from tests.faults.harness import PYTHONPATH, REPO

pytestmark = pytest.mark.faults
POISON_VERSION = 2**31 + 7  # member_units.member_version is an INTEGER


def rows(url, statement):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(statement).all()
    finally:
        engine.dispose()


def test_a_poison_event_is_dead_lettered_after_the_delivery_limit_and_replayed_once_fixed(platform):
    started = time.monotonic()
    amqp_uri, evaluations_db = platform.stack.amqp_uri, platform.stack.db_urls["evaluations"]
    queue = subscription("evaluations", "members", "member_registered").dead_letter_queue
    member_id = str(uuid.uuid4())
    event = make_event("member_registered", {
        "member_id": member_id, "member_version": POISON_VERSION, "unit_code": "00070",
        "unit_path": "/VN/01/00070/", "join_date": datetime.now(UTC).date()}, "members")  # fmt: skip
    with platform.under_load(before=10) as traffic:
        publish_raw(amqp_uri, "members.events", "member_registered", event.to_message())
        platform.stack.faults.append("poison member_registered")
        wait_for(lambda: deadletters.counts_of(amqp_uri, queue) == 1, timeout=90, interval=0.5,
                 message="the poison event in the dead-letter queue")  # fmt: skip
        traffic.wait_acknowledged(10)  # the queue did not stall behind it
    with Connection(amqp_uri) as connection:
        [dead] = deadletters.peek(connection, queue, 10)
    assert (dead["event_id"], dead["reason"]) == (str(event.event_id), "delivery_limit")
    assert rows(evaluations_db, select(MemberUnit).where(MemberUnit.member_id == uuid.UUID(member_id))) == []
    assert rows(evaluations_db, select(INBOX).where(INBOX.c.event_id == event.event_id)) == []

    # The fix (a migration widening the column), then the operator's replay.
    engine = create_engine(evaluations_db)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE member_units ALTER COLUMN member_version TYPE BIGINT"))
    engine.dispose()
    replayed = subprocess.run(
        [sys.executable, "-m", "servicekit.deadletters", "replay", queue],
        env=dict(os.environ, AMQP_URI=amqp_uri, PYTHONPATH=PYTHONPATH), cwd=REPO,
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert f"replayed 1 message(s) from {queue}" in replayed.stdout

    platform.ledger.extra_member_events[str(event.event_id)] = member_id
    platform.reconcile("poison event", ["poison member_registered"], started)
    [(version,)] = rows(evaluations_db, select(MemberUnit.member_version).where(
        MemberUnit.member_id == uuid.UUID(member_id)))  # fmt: skip
    assert version == POISON_VERSION
