"""The reliable event handler in a real container on a real broker: retries, dead letters, the inbox."""

import itertools
import uuid
from datetime import date

import pytest
from kombu import Connection
from sqlalchemy import func, select

from contracts.envelope import make_event
from contracts.topology import MAX_DELIVERIES, Subscription
from servicekit import db, deadletters, topology
from servicekit.events import event_handler
from servicekit.testing import kit_only_metadata, publish_raw, queue_messages, start_container, wait_for
from servicekit.uow import UnitOfWork

_names = itertools.count(1)


def registered():
    return make_event(
        "member_registered",
        {
            "member_id": uuid.uuid4(),
            "member_version": 1,
            "unit_code": "00070",
            "unit_path": "/VN/01/00070/",
            "join_date": date(2026, 1, 1),
        },
        "members",
    )


@pytest.fixture
def probe(amqp_uri, tmp_path):
    """Starts a consumer of member_registered whose handler fails ``failures`` times, then claims the
    event in its inbox. ``calls`` lists every delivery it saw."""
    started = []

    def start(failures=0):
        metadata = kit_only_metadata()
        calls = []

        class Probe:
            name = f"probe{next(_names)}_{uuid.uuid4().hex[:4]}"
            uow = UnitOfWork(metadata)

            @event_handler("members", "member_registered")
            def handle_member_registered(self, envelope, payload):
                calls.append(envelope["event_id"])
                if len(calls) <= failures:
                    raise RuntimeError("a passing fault")
                with self.uow as uow:
                    if uow.claim(self.name, envelope):
                        uow.commit()

        url = f"sqlite:///{tmp_path / (Probe.name + '.db')}"
        metadata.create_all(db.make_engine(url))
        config = {"AMQP_URI": amqp_uri, "DATABASE_URL": url, "EVENT_RETRY_BACKOFF_SECONDS": 0.01}
        container = start_container(Probe, config)
        started.append(container)
        Probe.calls = calls
        Probe.subscription = Subscription(Probe.name, "members", "member_registered")
        Probe.handled = lambda: _count_inbox(url, metadata)
        return Probe

    yield start
    for container in started:
        container.stop()


def _count_inbox(url, metadata):
    engine = db.make_engine(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(metadata.tables["inbox"])).scalar_one()
    engine.dispose()
    return count


def test_an_event_that_always_fails_is_dead_lettered_after_the_delivery_limit(amqp_uri, probe):
    consumer = probe(failures=1000)
    event = registered()
    publish_raw(amqp_uri, "members.events", "member_registered", event.to_message())
    [dead] = wait_for(lambda: queue_messages(amqp_uri, consumer.subscription.dead_letter_queue), message="dead letter")
    assert dead["event_id"] == str(event.event_id)
    assert len(consumer.calls) == MAX_DELIVERIES


def test_an_invalid_event_is_dead_lettered_at_once_without_running_the_handler(amqp_uri, probe):
    consumer = probe()
    publish_raw(amqp_uri, "members.events", "member_registered", {"not": "an envelope"})
    [dead] = wait_for(lambda: queue_messages(amqp_uri, consumer.subscription.dead_letter_queue), message="dead letter")
    assert dead == {"not": "an envelope"} and consumer.calls == []


def test_a_passing_fault_is_retried_until_the_event_is_handled(amqp_uri, probe):
    consumer = probe(failures=2)
    publish_raw(amqp_uri, "members.events", "member_registered", registered().to_message())
    wait_for(lambda: consumer.handled() == 1, message="event handled")
    assert len(consumer.calls) == 3
    assert queue_messages(amqp_uri, consumer.subscription.dead_letter_queue) == []


def test_an_event_delivered_twice_takes_effect_once(amqp_uri, probe):
    consumer = probe()
    event = registered()
    for _ in range(2):
        publish_raw(amqp_uri, "members.events", "member_registered", event.to_message())
    wait_for(lambda: len(consumer.calls) == 2, message="two deliveries")
    assert consumer.handled() == 1


def test_a_dead_letter_replayed_after_the_fix_is_handled_once(amqp_uri, probe):
    consumer = probe(failures=MAX_DELIVERIES)  # fails every delivery of the first attempt, then works
    publish_raw(amqp_uri, "members.events", "member_registered", registered().to_message())
    dlq = consumer.subscription.dead_letter_queue
    wait_for(lambda: deadletters.counts_of(amqp_uri, dlq) == 1, message="dead letter")
    with Connection(amqp_uri) as connection:
        assert deadletters.replay(connection, dlq) == 1
    wait_for(lambda: consumer.handled() == 1, message="replayed event handled")
    assert deadletters.counts_of(amqp_uri, dlq) == 0


def test_purging_the_platform_queues_empties_consumer_and_dead_letter_queues(amqp_uri):
    subscription = Subscription(f"purged{uuid.uuid4().hex[:6]}", "members", "member_registered")
    never_declared = Subscription(f"absent{uuid.uuid4().hex[:6]}", "members", "member_left")
    with Connection(amqp_uri) as connection:
        topology.declare_all(connection, sources=["members"], subscriptions=[subscription])
    publish_raw(amqp_uri, "members.events", "member_registered", registered().to_message())
    wait_for(lambda: deadletters.counts_of(amqp_uri, subscription.queue) == 1, message="event queued")
    with Connection(amqp_uri) as connection:
        assert topology.purge_all(connection, [subscription, never_declared]) == 1
    assert deadletters.counts_of(amqp_uri, subscription.queue) == 0


def test_an_ack_that_finds_the_broker_gone_is_dropped_instead_of_killing_the_container(caplog):
    """nameko catches amqp's ConnectionError only; the socket's own errors reached the container."""
    from servicekit.events import settle

    def ack_on_a_dead_socket(message):
        raise ConnectionResetError(104, "Connection reset by peer")

    def ack_on_a_closed_pipe(message):
        raise BrokenPipeError(32, "Broken pipe")

    settle(ack_on_a_dead_socket, object(), "ack")
    settle(ack_on_a_closed_pipe, object(), "requeue")
    assert [r.getMessage().split(",")[0] for r in caplog.records] == [
        "ack of a delivery not sent", "requeue of a delivery not sent"]  # fmt: skip


def test_nameko_queue_consumers_also_survive_an_ack_on_a_dead_socket():
    """The gateway's RPC reply listener acks through nameko's QueueConsumer, not through settle."""
    from nameko.messaging import QueueConsumer

    import servicekit.events  # noqa: F401  (the tolerance is installed on import)

    class DeadSocketMessage:
        channel = type("Channel", (), {"connection": object()})()

        def ack(self):
            raise ConnectionResetError(104, "Connection reset by peer")

        def requeue(self):
            raise BrokenPipeError(32, "Broken pipe")

    QueueConsumer.ack_message(None, DeadSocketMessage())
    QueueConsumer.requeue_message(None, DeadSocketMessage())
