"""The platform the security tests attack: every service and the gateway as real processes (``nameko run``
with each service's own config.yml, so its real logging set-up), on PostgreSQL when ``TEST_POSTGRES_URL``
is set (``make test``), else SQLite; one per test session, shared by every test of tests/security.

Besides the processes it holds what the personal-data scan reads: each process's log file (JSON lines,
``LOG_LEVEL=INFO`` as in production), a tap queue bound to every event exchange (a copy of
every event published), a local SMTP server and SMS provider (notifications really send), and the gateway's
JWT secret (so that the token tests can forge tokens signed with the right key but otherwise wrong).
"""

import os
import uuid

import pytest

from members.testing import Api
from notifications.testing import HttpReceiver, SmtpServer
from tests.security.stack import JWT_SECRET, SERVICES, SecurityPlatform, bind_tap


@pytest.fixture(scope="session")
def security_platform(request, amqp_uri, databases, tmp_path_factory):
    backend = "postgres" if os.environ.get("TEST_POSTGRES_URL") else "sqlite"
    generators = {name: databases.fresh(request, name, backend) for name in SERVICES}
    db_urls = {name: next(generator) for name, generator in generators.items()}
    smtp, sms = SmtpServer(), HttpReceiver()
    platform = SecurityPlatform(amqp_uri, tmp_path_factory.mktemp("security"), db_urls, smtp, sms)
    try:
        bind_tap(amqp_uri)  # declares the exchanges too (as the services will, with the same arguments)
        for name in (*SERVICES, "gateway"):
            platform.start(name)
        for process in platform.processes.values():
            process.wait_healthy(180)
        yield platform
    finally:
        platform.stop()
        smtp.stop()
        sms.stop()
        for generator in generators.values():
            generator.close()


ROLES = ("ADMIN", "OFFICER", "VIEWER")
UNITS = ("VN", "01", "00070", "79")


@pytest.fixture(scope="session")
def officers(security_platform):
    """Officers of every role at the centre, the province 01, the commune 00070 and the province 79:
    ``officers[(role, unit)]`` is an ``Api`` with their token.

    The accounts are real rows of the members database (one password hash for all: argon2 takes a second
    each on this machine), and their tokens are issued with the gateway's codec and secret, exactly as the
    login route issues them (the login itself is exercised by the fuzzer and the matrix)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from gateway.auth import TokenCodec
    from members.models import Officer
    from members.passwords import hash_password

    codec = TokenCodec(JWT_SECRET)
    password_hash = hash_password(Api.password)
    rows = {
        (role, unit): Officer(id=uuid.uuid4(), username=f"sec.{role.lower()}.{unit}.{uuid.uuid4().hex[:6]}",
                              full_name=f"Cán bộ {role} {unit}", password_hash=password_hash, role=role,
                              unit_code=unit, active=True)
        for role in ROLES for unit in UNITS
    }  # fmt: skip
    engine = create_engine(security_platform.db_urls["members"])
    with Session(engine, expire_on_commit=False) as session:
        session.add_all(rows.values())
        session.commit()
    engine.dispose()
    api = security_platform.api()
    clients = {}
    for key, row in rows.items():
        token, _ = codec.issue({"id": str(row.id), "username": row.username, "full_name": row.full_name,
                                "role": row.role, "unit_code": row.unit_code})  # fmt: skip
        clients[key] = Api(api.base_url, api.db_url, token, api.http)
        clients[key].username = row.username
    return clients


@pytest.fixture(scope="session")
def amqp_uri():
    """This directory's platform runs for the whole session: on a vhost of its own, so that its services
    never consume another test's RPCs or events (the root fixture's vhost is shared by every module)."""
    from servicekit.testing import private_vhost

    yield from private_vhost()
