"""Across real processes and a real broker: a registration over HTTP becomes exactly one event, even when
the members service dies between its commit and the relay; a consumer that always fails dead-letters it."""

import uuid

import pytest
from kombu import Connection
from sqlalchemy import select

from contracts.topology import MAX_DELIVERIES, Subscription
from members.models import OUTBOX
from members.testing import Api, member_payload
from servicekit import db, topology
from servicekit.events import event_handler
from servicekit.testing import queue_messages, start_container, wait_for


@pytest.fixture
def probe_queue(amqp_uri):
    """A consumer queue bound to member_registered before anything is published (as deploys declare it)."""
    subscription = Subscription(f"e2eprobe{uuid.uuid4().hex[:6]}", "members", "member_registered")
    with Connection(amqp_uri) as connection:
        topology.declare_all(connection, sources=["members"], subscriptions=[subscription])
    return subscription


def outbox_rows(url):
    engine = db.make_engine(url, pool_size=1)
    with engine.connect() as connection:
        rows = connection.execute(select(OUTBOX.c.event_id, OUTBOX.c.published_at)).all()
    engine.dispose()
    return rows


def register(platform):
    api = Api(f"http://127.0.0.1:{platform.gateway_port}", platform.members_db_url).as_officer("OFFICER", "00070")
    response = api.post("/members", json=member_payload("00070"), headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_member_registered_over_http_produces_exactly_one_event(platform, probe_queue, amqp_uri):
    platform.start_members()
    platform.start_gateway()
    member = register(platform)
    [(event_id, _)] = wait_for(lambda: [r for r in outbox_rows(platform.members_db_url) if r.published_at])
    [event] = queue_messages(amqp_uri, probe_queue.queue)
    assert (event["event_id"], event["payload"]["member_id"]) == (str(event_id), member["id"])


def test_members_killed_after_commit_and_before_relay_loses_no_event(platform, probe_queue, amqp_uri):
    members = platform.start_members(OUTBOX_RELAY_ENABLED="false")
    platform.start_gateway()
    member = register(platform)
    [(event_id, published_at)] = outbox_rows(platform.members_db_url)
    assert published_at is None and queue_messages(amqp_uri, probe_queue.queue) == []
    members.kill()  # SIGKILL: the commit is on disk, the event never left
    platform.start_members()
    [event] = wait_for(lambda: queue_messages(amqp_uri, probe_queue.queue), message="event after restart")
    assert (event["event_id"], event["payload"]["member_id"]) == (str(event_id), member["id"])


def test_a_consumer_that_always_fails_dead_letters_the_event_instead_of_looping(platform, amqp_uri):
    calls = []

    class FailingConsumer:
        name = f"failing{uuid.uuid4().hex[:6]}"

        @event_handler("members", "member_registered")
        def handle_member_registered(self, envelope, payload):
            calls.append(envelope["event_id"])
            raise RuntimeError("this consumer is broken")

    consumer = start_container(FailingConsumer, {"AMQP_URI": amqp_uri, "EVENT_RETRY_BACKOFF_SECONDS": 0.01})
    try:
        platform.start_members()
        platform.start_gateway()
        member = register(platform)
        dead_letters = Subscription(FailingConsumer.name, "members", "member_registered").dead_letter_queue
        [dead] = wait_for(lambda: queue_messages(amqp_uri, dead_letters), message="dead letter")
    finally:
        consumer.stop()
    assert dead["payload"]["member_id"] == member["id"] and len(calls) == MAX_DELIVERIES
