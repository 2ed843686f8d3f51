"""Fixtures shared by every test: real RabbitMQ on a private vhost, real databases, real containers.

eventlet must patch the standard library before anything imports sockets (RELIABILITY.md, fact 1).

- ``amqp_uri``: a vhost of its own for the test session, deleted at the end (never the default vhost).
- ``<service>_db_url`` / ``<service>_module_db_url`` (members, funds, evaluations, notifications): a
  fresh database of the service, migrated by ``<service>.manage.migrate`` — on SQLite and, when
  ``TEST_POSTGRES_URL`` is set (``make test`` sets it), on PostgreSQL (cloned from a template).
- ``members_service`` / ``gateway``: the real nameko services in this process, on free ports.
- ``api``: an HTTP client of the gateway that can log in as an officer it creates.
"""

import os
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
# hypothesis runs the "hypothesis" entry points of every installed package when it is imported; trio's (a
# dependency of the browser tests' driver) cannot be imported once eventlet has patched socket.
os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")

import eventlet

eventlet.monkey_patch()

import shutil
import uuid
from pathlib import Path

import pytest

from members.testing import Api
from servicekit.testing import (
    Running,
    create_database,
    drop_database,
    private_vhost,
    service_config,
    start_container,
    url_for,
)

REPO = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def amqp_uri():
    """A private vhost for the test session. A directory whose services live for the whole session
    (tests/browser, tests/security) overrides it with a vhost of its own (``yield from private_vhost()``):
    services left running on the shared vhost would take other tests' RPCs and events."""
    yield from private_vhost()


# --- databases -------------------------------------------------------------------------------------

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def _postgres_admin():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set (make test sets it)")
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    yield url, engine
    engine.dispose()


class _Databases:
    """Fresh databases of a service, migrated (``<service>.manage.migrate``) once per session and backend
    into a template that each test's database is copied (SQLite) or cloned (PostgreSQL) from."""

    def __init__(self, tmp_path_factory):
        self._tmp = tmp_path_factory
        self._templates = {}  # (service, backend) -> path or database name
        self._admin = None

    def fresh(self, request, service, backend):
        import importlib

        migrate = importlib.import_module(f"{service}.manage").migrate
        if backend == "sqlite":
            template = self._templates.get((service, backend))
            if template is None:
                template = self._tmp.mktemp(f"{service}-template") / f"{service}.db"
                migrate(f"sqlite:///{template}")
                self._templates[(service, backend)] = template
            path = self._tmp.mktemp(service) / f"{service}.db"
            shutil.copy(template, path)
            yield f"sqlite:///{path}"
            return
        admin_url, admin = request.getfixturevalue("_postgres_admin")
        self._admin = admin
        template = self._templates.get((service, backend))
        if template is None:
            template = f"{service}_template_{uuid.uuid4().hex[:6]}"
            create_database(admin, template)
            migrate(url_for(admin_url, template))
            self._templates[(service, backend)] = template
        name = f"{service}_{uuid.uuid4().hex[:10]}"
        create_database(admin, name, template)
        yield url_for(admin_url, name)
        drop_database(admin, name)

    def drop_templates(self):
        for (_, backend), template in self._templates.items():
            if backend == "postgres":
                drop_database(self._admin, template)


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    """``databases.fresh(request, service, backend)``: a generator of one fresh database's URL."""
    factory = _Databases(tmp_path_factory)
    yield factory
    factory.drop_templates()


def _database_fixtures(service):
    def per_test(request, databases):
        yield from databases.fresh(request, service, request.param)

    per_test.__doc__ = f"A fresh {service} database, migrated, for one test, on SQLite and on PostgreSQL."
    per_module = pytest.fixture(scope="module", params=BACKENDS, name=f"{service}_module_db_url")(per_test)
    return pytest.fixture(params=BACKENDS, name=f"{service}_db_url")(per_test), per_module


# ``<service>_db_url`` (per test) and ``<service>_module_db_url`` (shared by a module's tests, with the
# services that run on it) for every service that has a database.
members_db_url, members_module_db_url = _database_fixtures("members")
funds_db_url, funds_module_db_url = _database_fixtures("funds")
evaluations_db_url, evaluations_module_db_url = _database_fixtures("evaluations")
notifications_db_url, notifications_module_db_url = _database_fixtures("notifications")


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
