"""The outbox and its relay against a real broker and real databases."""

import uuid
from datetime import UTC, date, datetime

import pytest
from kombu import Connection
from sqlalchemy import select

from contracts.envelope import make_event
from contracts.topology import Subscription
from servicekit import topology
from servicekit.outbox import BatchPublisher, PublishFailed, backlog, relay_once
from servicekit.testing import queue_messages


def registered(unit_code="00070"):
    return make_event(
        "member_registered",
        {
            "member_id": uuid.uuid4(),
            "member_version": 1,
            "unit_code": unit_code,
            "unit_path": f"/VN/01/{unit_code}/",
            "join_date": date(2026, 1, 1),
        },
        "members",
    )


@pytest.fixture
def probe_queue(amqp_uri):
    """A consumer queue of our own, bound to members.events for member_registered."""
    subscription = Subscription(f"probe{uuid.uuid4().hex[:6]}", "members", "member_registered")
    with Connection(amqp_uri) as connection:
        topology.declare_all(connection, sources=["members"], subscriptions=[subscription])
    return subscription.queue


def emit(new_work, events):
    with new_work() as work:
        work.emit_all(events)
        work.commit()


def test_relay_publishes_committed_events_in_order_and_marks_them(
    amqp_uri, probe_queue, new_work, session_factory, kit_tables
):
    events = [registered() for _ in range(3)]
    emit(new_work, events)
    publisher = BatchPublisher(amqp_uri, "members.events")
    assert relay_once(session_factory, kit_tables["outbox"], publisher, 100) == 3
    assert [b["event_id"] for b in queue_messages(amqp_uri, probe_queue)] == [str(e.event_id) for e in events]
    assert relay_once(session_factory, kit_tables["outbox"], publisher, 100) == 0
    publisher.close()


def test_published_rows_carry_their_publication_time(amqp_uri, probe_queue, new_work, session_factory, kit_tables):
    emit(new_work, [registered()])
    relay_once(session_factory, kit_tables["outbox"], BatchPublisher(amqp_uri, "members.events"), 100)
    with session_factory() as session:
        assert session.execute(select(kit_tables["outbox"].c.published_at)).scalar_one() is not None


def test_an_event_nobody_is_bound_to_stays_in_the_outbox_with_its_reason(
    amqp_uri, new_work, session_factory, kit_tables
):
    with Connection(amqp_uri) as connection:
        topology.declare_all(connection, sources=["nobody"], subscriptions=[])
    emit(new_work, [registered()])
    relay_once(session_factory, kit_tables["outbox"], BatchPublisher(amqp_uri, "nobody.events"), 100)
    with session_factory() as session:
        row = session.execute(select(kit_tables["outbox"])).one()
    assert row.published_at is None and row.attempts == 1 and "unroutable" in row.last_error
    assert row.next_attempt_at > datetime.now(UTC)


def test_a_deferred_event_is_not_retried_before_its_time(amqp_uri, new_work, session_factory, kit_tables):
    with Connection(amqp_uri) as connection:
        topology.declare_all(connection, sources=["nobody"], subscriptions=[])
    emit(new_work, [registered()])
    publisher = BatchPublisher(amqp_uri, "nobody.events")
    relay_once(session_factory, kit_tables["outbox"], publisher, 100)
    assert relay_once(session_factory, kit_tables["outbox"], publisher, 100) == 0


def test_an_unreachable_broker_fails_the_batch_and_keeps_every_row(new_work, session_factory, kit_tables):
    emit(new_work, [registered(), registered()])
    publisher = BatchPublisher("pyamqp://guest:guest@127.0.0.1:1//", "members.events", confirm_timeout=2)
    with pytest.raises(PublishFailed):
        relay_once(session_factory, kit_tables["outbox"], publisher, 100)
    assert backlog(session_factory, kit_tables["outbox"])[0] == 2


def test_an_event_emitted_in_a_rolled_back_unit_of_work_is_never_written(new_work, session_factory, kit_tables):
    with new_work() as work:
        work.emit(registered())
    assert backlog(session_factory, kit_tables["outbox"]) == (0, 0.0)


def test_backlog_counts_unpublished_rows_and_the_age_of_the_oldest(new_work, session_factory, kit_tables):
    emit(new_work, [registered(), registered()])
    count, age = backlog(session_factory, kit_tables["outbox"])
    assert count == 2 and 0 <= age < 60
