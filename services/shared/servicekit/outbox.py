"""The outbox relay: publishes the rows that use cases wrote to the ``outbox`` table.

A batch is read with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several replicas share the work without
publishing the same row at once; published on one channel in confirm mode with ``mandatory`` set; the
relay then waits for the broker's confirms of the whole batch (one round trip, not one per event) and
marks the confirmed rows published in the same transaction. A row the broker returned (no queue bound:
a topology mistake) or nacked stays pending and is retried with backoff; nothing is dropped.

Delivery is at least once: a crash between the confirm and the commit publishes the batch again, which
consumers absorb with their inbox.

Configuration: ``OUTBOX_RELAY_ENABLED`` (true; false keeps every event in the outbox, e.g. while the
broker is under maintenance), ``OUTBOX_RELAY_INTERVAL_SECONDS`` (0.5: how often it looks when nobody woke it),
``OUTBOX_BATCH_SIZE`` (500), ``OUTBOX_CONFIRM_TIMEOUT_SECONDS`` (10), ``OUTBOX_RELAY_LINGER_SECONDS``
(0.005: after a commit wakes it, how long the relay waits for the commits of other workers to join the batch).
"""

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import eventlet
from amqp import Message
from eventlet.event import Event
from kombu import Connection
from nameko.extensions import DependencyProvider
from sqlalchemy import func, or_, select, update

from contracts import topology as contract_topology
from servicekit import db, metrics, topology
from servicekit.config import kit_setting
from servicekit.uow import UnitOfWork

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300
BACKLOG_EVERY_SECONDS = 1.0


class PublishFailed(Exception):
    pass


class BatchPublisher:
    """Publishes a batch on a confirm-mode channel and tells which messages the broker accepted."""

    def __init__(self, amqp_uri, exchange, confirm_timeout=10.0):
        self.amqp_uri = amqp_uri
        self.exchange = exchange
        self.confirm_timeout = confirm_timeout
        self.connection = None

    def _channel(self):
        if self.connection is None:
            self.connection = Connection(self.amqp_uri, connect_timeout=5, heartbeat=0)
            self.connection.connect()
            self.channel = self.connection.channel()
            self.channel.confirm_select()
            self.channel.events["basic_ack"].add(self._on_ack)
            self.channel.events["basic_nack"].add(self._on_nack)
            self.channel.events["basic_return"].add(self._on_return)
            self.next_tag = 1
        return self.channel

    def close(self):
        if self.connection is not None:
            try:
                self.connection.release()
            finally:
                self.connection = None

    def publish(self, messages):
        """``messages``: list of (row id, routing key, body str, headers, event id). Returns
        ``(accepted ids, {rejected id: reason})``. Raises ``PublishFailed`` if the broker is unreachable."""
        try:
            return self._publish(messages)
        except (TimeoutError, OSError, PublishFailed) as error:
            self.close()
            raise PublishFailed(str(error) or type(error).__name__) from error
        except Exception as error:  # amqp channel/connection errors: reconnect next time
            self.close()
            raise PublishFailed(f"{type(error).__name__}: {error}") from error

    def _publish(self, messages):
        channel = self._channel()
        self.pending, self.outcome, self.returned = {}, {}, {}
        self.row_by_event = {str(m[4]): m[0] for m in messages}
        for row_id, routing_key, body, headers, event_id in messages:
            self.pending[self.next_tag] = row_id
            self.next_tag += 1
            message = Message(
                body,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                message_id=str(event_id),
                type=routing_key,
                headers=headers,
            )
            channel.basic_publish(message, exchange=self.exchange, routing_key=routing_key, mandatory=True)
        with eventlet.Timeout(self.confirm_timeout, PublishFailed("timed out waiting for confirms")):
            while len(self.outcome) < len(messages):
                self.connection.drain_events(timeout=self.confirm_timeout)
        accepted = [row for row, outcome in self.outcome.items() if outcome is True]
        rejected = {row: outcome for row, outcome in self.outcome.items() if outcome is not True}
        return accepted, rejected

    def _settle(self, delivery_tag, multiple, result):
        tags = [t for t in self.pending if t <= delivery_tag] if multiple else [delivery_tag]
        for tag in tags:
            row_id = self.pending.pop(tag, None)
            if row_id is not None:
                self.outcome[row_id] = self.returned.pop(row_id, None) or result

    def _on_ack(self, delivery_tag, multiple):
        self._settle(delivery_tag, multiple, True)

    def _on_nack(self, delivery_tag, multiple):
        self._settle(delivery_tag, multiple, "nacked by the broker")

    def _on_return(self, exc, exchange, routing_key, message):
        # A return comes before the ack of the same message: remember it, the ack settles it.
        row_id = self.row_by_event.get(message.properties.get("message_id"))
        if row_id is not None:
            self.returned[row_id] = f"unroutable: no queue bound for {exchange}/{routing_key}"


def relay_once(session_factory, outbox, publisher, batch_size, service=None):
    """Publish one batch. Returns the number of rows handled (published or deferred).

    On PostgreSQL the rows stay locked (``FOR UPDATE SKIP LOCKED``) while they are published, so other
    replicas skip them. SQLite cannot skip locked rows, and a greenthread that waits for the broker while
    holding SQLite's write lock would stall every other worker of the process (sqlite waits in C, not
    cooperatively): there the rows are read, published, then marked in two short transactions.
    """
    now = datetime.now(UTC)
    with session_factory() as session:
        if db.is_postgres(session):
            with session.begin():
                rows = _pending(session, outbox, batch_size, now, lock=True)
                if rows:
                    _mark(session, outbox, rows, *_publish(publisher, rows), now, service)
                return len(rows)
        with session.begin():
            rows = _pending(session, outbox, batch_size, now, lock=False)
        if rows:
            outcome = _publish(publisher, rows)
            with session.begin():
                _mark(session, outbox, rows, *outcome, now, service)
        return len(rows)


def _pending(session, outbox, batch_size, now, lock):
    query = (
        select(outbox.c.id, outbox.c.event_id, outbox.c.event_type, outbox.c.body, outbox.c.headers, outbox.c.attempts)
        .where(outbox.c.published_at.is_(None))
        .where(or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now))
        .order_by(outbox.c.id)
        .limit(batch_size)
    )
    if lock:
        query = query.with_for_update(skip_locked=True)
    return session.execute(query).all()


def _publish(publisher, rows):
    return publisher.publish([(r.id, r.event_type, r.body, json.loads(r.headers), r.event_id) for r in rows])


def _mark(session, outbox, rows, accepted, rejected, now, service=None):
    if service:
        metrics.record_outbox_published(service, len(accepted))
        for reason in rejected.values():
            metrics.record_outbox_failure(service, reason.split(":")[0])
    if accepted:
        session.execute(update(outbox).where(outbox.c.id.in_(accepted)).values(published_at=now))
    attempts = {r.id: r.attempts for r in rows}
    for row_id, reason in rejected.items():
        backoff = min(2 ** attempts[row_id], MAX_BACKOFF_SECONDS)
        session.execute(
            update(outbox)
            .where(outbox.c.id == row_id)
            .values(
                attempts=outbox.c.attempts + 1,
                last_error=reason[:500],
                next_attempt_at=now + timedelta(seconds=backoff),
            )
        )
        log.error("outbox row %s not published: %s", row_id, reason)


def backlog(session_factory, outbox):
    """(rows not yet published, age in seconds of the oldest of them)."""
    with session_factory() as session:
        count, oldest = session.execute(
            select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None))
        ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
    return count, age


class OutboxRelay(DependencyProvider):
    """Add ``relay = OutboxRelay()`` beside ``uow = UnitOfWork(...)`` on a service that emits events.

    At start it declares the service's exchange and the whole topology of ``contracts.topology``, then
    relays in a background thread: at once when a transaction with events commits, otherwise every
    ``OUTBOX_RELAY_INTERVAL_SECONDS``.
    """

    def setup(self):
        config = self.container.config
        self.service = self.container.service_name
        self.interval = kit_setting(config, "OUTBOX_RELAY_INTERVAL_SECONDS", float)
        self.batch_size = kit_setting(config, "OUTBOX_BATCH_SIZE", int)
        self.linger = kit_setting(config, "OUTBOX_RELAY_LINGER_SECONDS", float)
        self.amqp_uri = config["AMQP_URI"]
        self.enabled = kit_setting(config, "OUTBOX_RELAY_ENABLED", bool)
        metrics.OUTBOX_PUBLISHED.labels(self.service)  # at zero from the start, for rates and alerts
        self.uow = next(d for d in self.container.dependencies if isinstance(d, UnitOfWork))
        self.uow.on_events_committed(self.wake)
        self.publisher = BatchPublisher(
            self.amqp_uri,
            contract_topology.event_exchange(self.service),
            kit_setting(config, "OUTBOX_CONFIRM_TIMEOUT_SECONDS", float),
        )
        self._wakeup = Event()
        self._running = False

    def start(self):
        topology.ensure_declared(self.amqp_uri, sources=[self.service], subscriptions=contract_topology.SUBSCRIPTIONS)
        self._running = self.enabled
        if not self.enabled:
            log.warning(
                "outbox relay of %s is disabled (OUTBOX_RELAY_ENABLED): events stay in the outbox", self.service
            )
            return
        self._thread = self.container.spawn_managed_thread(self._run, identifier=f"{self.service}.outbox_relay")

    def stop(self):
        if self._running:
            self._running = False
            self.wake()
            self._thread.wait()
        self.publisher.close()

    def kill(self):
        self._running = False
        self.publisher.close()

    def wake(self):
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def _run(self):
        outbox = self.uow.metadata.tables["outbox"]
        failures, measured_at = 0, 0.0
        while self._running:
            try:
                while (
                    relay_once(self.uow.session_factory, outbox, self.publisher, self.batch_size, self.service)
                    == self.batch_size
                ):
                    pass
                if time.monotonic() - measured_at >= BACKLOG_EVERY_SECONDS:  # a gauge, not worth a query a round
                    metrics.record_outbox_state(self.service, *backlog(self.uow.session_factory, outbox))
                    measured_at = time.monotonic()
                failures = 0
            except Exception as error:  # the broker or the database is away: keep the rows, try again
                failures += 1
                metrics.record_outbox_failure(self.service, type(error).__name__)
                log.warning("outbox relay of %s failed (%s), retrying", self.service, error)
            self._wait(min(self.interval * 2**failures, 30) if failures else self.interval)

    def _wait(self, seconds):
        with eventlet.Timeout(seconds, False):
            self._wakeup.wait()
            # Woken by a commit: linger a moment so that the commits of concurrent workers share one batch
            # (one query, one publish round trip) instead of each paying for its own.
            eventlet.sleep(self.linger)
        self._wakeup = Event()
