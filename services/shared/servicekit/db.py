"""Engines for the service databases: SQLite by default (one file per service), PostgreSQL in production.

SQLite runs with WAL and a busy timeout so the outbox relay and the workers of one process can share the
file. Several replicas of a service need PostgreSQL: SQLite has no ``FOR UPDATE SKIP LOCKED``.
"""

import functools
import os

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url


def make_engine(url, pool_size=10):
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_driver_name() == "pg8000":
        _memoise_pg8000_paramstyle()
    return create_engine(parsed, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, pool_recycle=1800)


def _memoise_pg8000_paramstyle():
    """pg8000 rewrites every statement's ``%s`` placeholders to ``$n`` by scanning it character by character:
    a third of a millisecond of CPU per statement, about a fifth of a registration. For positional styles the
    rewritten text depends on the text alone (pg8000.dbapi.convert_paramstyle returns the arguments as they
    came), so it is computed once per distinct statement; named styles still go through pg8000's own code."""
    import pg8000.legacy

    original = pg8000.legacy.convert_paramstyle
    if getattr(original, "memoised", False):
        return

    @functools.lru_cache(maxsize=4096)
    def rewritten(style, query):
        return original(style, query, ())[0]

    def convert_paramstyle(style, query, args):
        if style in ("format", "qmark", "numeric"):
            return rewritten(style, query), args
        return original(style, query, args)

    convert_paramstyle.memoised = True
    pg8000.legacy.convert_paramstyle = convert_paramstyle


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
