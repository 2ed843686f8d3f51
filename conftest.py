"""Fixtures shared by every test: real RabbitMQ on a private vhost, real databases, real containers.

eventlet must patch the standard library before anything imports sockets (RELIABILITY.md, fact 1).

- ``amqp_uri``: a vhost of its own for the test session, deleted at the end (never the default vhost).
- ``members_db_url``: a fresh members database, migrated, with the official org tree — on SQLite and,
  when ``TEST_POSTGRES_URL`` is set (``make test`` sets it), on PostgreSQL (cloned from a template).
- ``members_service`` / ``gateway``: the real nameko services in this process, on free ports.
- ``api``: an HTTP client of the gateway that can log in as an officer it creates.
"""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet

eventlet.monkey_patch()

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from members.testing import Api
from servicekit.testing import Running, create_database, drop_database, service_config, start_container, url_for

REPO = Path(__file__).resolve().parent
DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"


def _rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def amqp_uri():
    """A private vhost on the broker of AMQP_URI, created with rabbitmqctl and deleted afterwards."""
    from urllib.parse import urlsplit, urlunsplit

    base = urlsplit(os.environ.get("AMQP_URI", DEFAULT_AMQP_URI))
    vhost = f"test-{uuid.uuid4().hex[:8]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, base.username or "guest", ".*", ".*", ".*")
    yield urlunsplit(base._replace(path=f"/{vhost}"))
    _rabbitmqctl("delete_vhost", vhost)


# --- databases -------------------------------------------------------------------------------------

BACKENDS = ["sqlite", "postgres"]


def _migrated_members_db(url):
    from members import manage

    manage.migrate(url)


@pytest.fixture(scope="session")
def _sqlite_members_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("members-template") / "members.db"
    _migrated_members_db(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_admin():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set (make test sets it)")
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    yield url, engine
    engine.dispose()


@pytest.fixture(scope="session")
def _postgres_members_template(_postgres_admin):
    admin_url, admin = _postgres_admin
    name = f"members_template_{uuid.uuid4().hex[:6]}"
    create_database(admin, name)
    _migrated_members_db(url_for(admin_url, name))
    yield name
    drop_database(admin, name)


def _fresh_members_db(request, tmp_path_factory):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("members") / "members.db"
        shutil.copy(request.getfixturevalue("_sqlite_members_template"), path)
        yield f"sqlite:///{path}"
        return
    admin_url, admin = request.getfixturevalue("_postgres_admin")
    template = request.getfixturevalue("_postgres_members_template")
    name = f"members_{uuid.uuid4().hex[:10]}"
    create_database(admin, name, template)
    yield url_for(admin_url, name)
    drop_database(admin, name)


@pytest.fixture(params=BACKENDS)
def members_db_url(request, tmp_path_factory):
    """A fresh members database with the official org tree, for one test, on each backend."""
    yield from _fresh_members_db(request, tmp_path_factory)


@pytest.fixture(scope="module", params=BACKENDS)
def members_module_db_url(request, tmp_path_factory):
    """The same, shared by the tests of one module (with the services that run on it)."""
    yield from _fresh_members_db(request, tmp_path_factory)


# --- services --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def members_service(amqp_uri, members_module_db_url):
    """The members service on a database shared by the module's tests: each test makes its own data
    (its own grassroots unit, officers and CCCDs) so that tests do not see each other's records."""
    from members.service import MembersService

    config, port = service_config(amqp_uri, DATABASE_URL=members_module_db_url, OUTBOX_RELAY_INTERVAL_SECONDS=0.2)
    container = start_container(MembersService, config)
    running = Running(container, port)
    running.db_url = members_module_db_url
    yield running
    container.stop()


@pytest.fixture(scope="module")
def gateway(amqp_uri, members_service):
    from gateway.service import GatewayService

    config, port = service_config(
        amqp_uri,
        JWT_SECRET="test-secret-of-at-least-thirty-two-bytes!",
        JWT_ISSUER="khuyenhoc-gateway",
        JWT_AUDIENCE="khuyenhoc-api",
        JWT_TTL_SECONDS=600,
    )
    container = start_container(GatewayService, config)
    yield Running(container, port)
    container.stop()


@pytest.fixture
def api(gateway, members_service):
    return Api(gateway.url, members_service.db_url)
