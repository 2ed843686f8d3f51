"""The unit of work: one SQLAlchemy session per worker, one transaction per use case.

A use case runs ``with uow:`` ... ``uow.commit()``; leaving the block without ``commit()`` rolls back.
Inside the block ``uow.session`` is the session, ``uow.emit(event)`` writes an outbox row in the same
transaction, ``uow.claim(consumer, envelope)`` records an inbox row (False when the event was handled
before) and ``uow.idempotent(...)`` replays the first result of a command retried with the same key.

The provider is ``uow = UnitOfWork(metadata)`` on the service; the database URL is the config key
``DATABASE_URL`` (or the one given), the pool size ``DB_POOL_SIZE``.
"""

import hashlib
import json
from datetime import UTC, datetime

from nameko.extensions import DependencyProvider
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import sessionmaker

from contracts.errors import IdempotencyKeyReused
from servicekit import db, metrics
from servicekit.config import kit_setting


class Work:
    """What a use case sees. Plain Python: tests build one with ``Work(session_factory, metadata)``."""

    def __init__(self, session_factory, metadata, source="", headers=None, on_events_committed=None):
        self._session_factory = session_factory
        self._outbox = metadata.tables["outbox"]
        self._inbox = metadata.tables["inbox"]
        self._keys = metadata.tables["idempotency_keys"]
        self._source = source
        self._headers = headers or {}
        self._on_events_committed = on_events_committed
        self.session = None
        self._emitted = 0
        self._idempotency = None

    def __enter__(self):
        if self.session is not None:
            raise RuntimeError("a unit of work is already open in this worker")
        self.session = self._session_factory()
        self._committed = False
        self._emitted = 0
        self._idempotency = None
        return self

    def __exit__(self, *exc_info):
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
            self.session = None

    def commit(self):
        self.session.commit()
        self._committed = True
        if self._emitted and self._on_events_committed:
            self._on_events_committed()

    def emit(self, event):
        """Write ``event`` (a ``contracts.envelope.Event``) to the outbox in this transaction."""
        self.session.execute(
            self._outbox.insert().values(
                event_id=event.event_id,
                event_type=event.event_type,
                body=json.dumps(event.to_message(), ensure_ascii=False),
                headers=json.dumps(self._headers),
                created_at=datetime.now(UTC),
            )
        )
        self._emitted += 1

    def emit_all(self, events):
        rows = [
            {
                "event_id": e.event_id,
                "event_type": e.event_type,
                "body": json.dumps(e.to_message(), ensure_ascii=False),
                "headers": json.dumps(self._headers),
                "created_at": datetime.now(UTC),
            }
            for e in events
        ]
        if rows:
            self.session.execute(self._outbox.insert(), rows)
            self._emitted += len(rows)

    def claim(self, consumer, envelope):
        """Record that ``consumer`` handles this event; False if it already did (then do nothing)."""
        statement = _insert_ignoring_duplicates(self.session, self._inbox).values(
            consumer=consumer,
            event_id=envelope["event_id"],
            event_type=envelope["event_type"],
            handled_at=datetime.now(UTC),
        )
        claimed = self.session.execute(statement).rowcount == 1
        if not claimed:
            metrics.record_inbox_duplicate(self._source, consumer)
        return claimed

    def idempotent(self, operation, principal, key, request):
        """Claim ``key`` for this request. Returns the stored response of the first identical request,
        or None when this is the first: then call ``remember(response)`` before ``commit()``. Without a key
        (the client sent none) nothing is claimed, None is returned and ``remember`` does nothing.

        The key row is inserted first, so a concurrent retry on PostgreSQL waits for this transaction
        and then replays its result instead of running twice.
        """
        if not key:
            return None
        request_hash = _hash(operation, request)
        statement = _insert_ignoring_duplicates(self.session, self._keys).values(
            principal=principal,
            key=key,
            operation=operation,
            request_hash=request_hash,
            created_at=datetime.now(UTC),
        )
        if self.session.execute(statement).rowcount == 1:
            self._idempotency = (principal, key)
            return None
        stored = self.session.execute(
            select(self._keys.c.request_hash, self._keys.c.response).where(
                self._keys.c.principal == principal, self._keys.c.key == key
            )
        ).one()
        if stored.request_hash != request_hash or stored.response is None:
            raise IdempotencyKeyReused(details={"idempotency_key": key})
        return json.loads(stored.response)

    def remember(self, response):
        if self._idempotency is None:
            return
        principal, key = self._idempotency
        self.session.execute(
            update(self._keys)
            .where(self._keys.c.principal == principal, self._keys.c.key == key)
            .values(response=json.dumps(response, ensure_ascii=False, default=str))
        )


def _insert_ignoring_duplicates(session, table):
    dialect = postgresql if db.is_postgres(session) else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def _hash(operation, request):
    canonical = json.dumps([operation, request], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class UnitOfWork(DependencyProvider):
    def __init__(self, metadata, url_key="DATABASE_URL"):
        self.metadata = metadata
        self.url_key = url_key
        self.engine = None
        self._listeners = []

    def setup(self):
        config = self.container.config
        self.engine = db.make_engine(config[self.url_key], kit_setting(config, "DB_POOL_SIZE", int))
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)

    def stop(self):
        self.engine.dispose()

    def on_events_committed(self, callback):
        """The outbox relay subscribes here to publish as soon as a transaction with events commits."""
        self._listeners.append(callback)

    def _notify(self):
        for callback in self._listeners:
            callback()

    def get_dependency(self, worker_ctx):
        headers = {"nameko.call_id_stack": worker_ctx.call_id_stack}
        work = Work(self.session_factory, self.metadata, self.container.service_name, headers, self._notify)
        work.ping = self.ping
        return work

    def ping(self):
        db.ping(self.engine)
