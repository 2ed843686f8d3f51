"""Engines for the service databases: SQLite by default (one file per service), PostgreSQL in production.

PostgreSQL is reached with psycopg2 made cooperative by psycogreen (``postgresql+psycopg2://...``): the
same registration costs the members process about a third less CPU than with pure-Python pg8000
(tests/bench: 16 against 24 ms, 52 against 36 registrations a second on this kind of machine).

SQLite runs with WAL and a busy timeout so the outbox relay and the workers of one process can share the
file. Several replicas of a service need PostgreSQL: SQLite has no ``FOR UPDATE SKIP LOCKED``.
"""

import os

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url


def make_engine(url, pool_size=10):
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_driver_name() == "psycopg2":
        _green_psycopg2()
    return create_engine(parsed, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, pool_recycle=1800)


def _green_psycopg2():
    """psycopg2 talks to PostgreSQL in C, out of eventlet's sight: without a wait callback one query blocks
    every greenthread of the process (RELIABILITY.md, fact 8). psycogreen installs eventlet's."""
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()


def _sqlite_engine(parsed):
    if parsed.database and parsed.database != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(parsed.database)), exist_ok=True)
    # sqlite waits for a lock in C, blocking every greenthread of the process: keep the wait short.
    engine = create_engine(parsed, connect_args={"timeout": 10, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # IMMEDIATE takes the write lock at BEGIN: two writers queue instead of failing at COMMIT.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_postgres(engine_or_session):
    bind = getattr(engine_or_session, "bind", engine_or_session)
    return bind.dialect.name == "postgresql"


def ping(engine):
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
