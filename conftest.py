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

import eventlet  # noqa: E402

eventlet.monkey_patch()

import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent
DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def _create_database(admin, name, template=None):
    from sqlalchemy import text

    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))


def _drop_database(admin, name):
    from sqlalchemy import text

    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _url_for(admin_url, name):
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgres_members_template(_postgres_admin):
    admin_url, admin = _postgres_admin
    name = f"members_template_{uuid.uuid4().hex[:6]}"
    _create_database(admin, name)
    _migrated_members_db(_url_for(admin_url, name))
    yield name
    _drop_database(admin, name)


def _fresh_members_db(request, tmp_path_factory):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("members") / "members.db"
        shutil.copy(request.getfixturevalue("_sqlite_members_template"), path)
        yield f"sqlite:///{path}"
        return
    admin_url, admin = request.getfixturevalue("_postgres_admin")
    template = request.getfixturevalue("_postgres_members_template")
    name = f"members_{uuid.uuid4().hex[:10]}"
    _create_database(admin, name, template)
    yield _url_for(admin_url, name)
    _drop_database(admin, name)


@pytest.fixture(params=BACKENDS)
def members_db_url(request, tmp_path_factory):
    """A fresh members database with the official org tree, for one test, on each backend."""
    yield from _fresh_members_db(request, tmp_path_factory)


@pytest.fixture(scope="module", params=BACKENDS)
def members_module_db_url(request, tmp_path_factory):
    """The same, shared by the tests of one module (with the services that run on it)."""
    yield from _fresh_members_db(request, tmp_path_factory)


# --- services --------------------------------------------------------------------------------------


class Running:
    def __init__(self, container, port):
        self.container = container
        self.port = port
        self.url = f"http://127.0.0.1:{port}"


def _start(service_cls, config):
    from nameko.containers import ServiceContainer

    container = ServiceContainer(service_cls, config)
    container.start()
    return container


def service_config(amqp_uri, **extra):
    port = free_port()
    config = {"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "RPC_TIMEOUT_SECONDS": 10}
    config.update(extra)
    return config, port


@pytest.fixture(scope="module")
def members_service(amqp_uri, members_module_db_url):
    """The members service on a database shared by the module's tests: each test makes its own data
    (its own grassroots unit, officers and CCCDs) so that tests do not see each other's records."""
    from members.service import MembersService

    config, port = service_config(amqp_uri, DATABASE_URL=members_module_db_url, OUTBOX_RELAY_INTERVAL_SECONDS=0.2)
    container = _start(MembersService, config)
    running = Running(container, port)
    running.db_url = members_module_db_url
    yield running
    container.stop()


@pytest.fixture(scope="module")
def gateway(amqp_uri, members_service):
    from gateway.service import GatewayService

    config, port = service_config(
        amqp_uri, JWT_SECRET="test-secret-of-at-least-thirty-two-bytes!", JWT_ISSUER="khuyenhoc-gateway",
        JWT_AUDIENCE="khuyenhoc-api", JWT_TTL_SECONDS=600,
    )
    container = _start(GatewayService, config)
    yield Running(container, port)
    container.stop()


class Api:
    """An HTTP client of the gateway; ``as_officer(role, unit_code)`` creates an officer and logs in."""

    def __init__(self, base_url, db_url):
        import requests

        self.base = f"{base_url}/api/v1"
        self.db_url = db_url
        self.http = requests.Session()
        self.token = None

    def new_unit(self, parent_code="00070", name="Chi hội Tổ dân phố kiểm thử"):
        """A grassroots unit of the test's own (created by an administrator of its commune)."""
        admin = self if self.token else self.as_officer("ADMIN", parent_code)
        response = admin.post("/units", json={"parent_code": parent_code, "name": name, "kind": "VILLAGE"})
        assert response.status_code == 201, response.text
        return response.json()["code"]

    def as_officer(self, role="OFFICER", unit_code="00070", username=None):
        from members import manage

        username = username or f"t.{role.lower()}.{uuid.uuid4().hex[:8]}"
        password = "correct horse battery staple"
        manage.create_officer(self.db_url, username, role, unit_code, "Cán bộ Kiểm thử", password)
        clone = Api.__new__(Api)
        clone.base, clone.db_url, clone.http = self.base, self.db_url, self.http
        response = self.http.post(f"{self.base}/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        clone.token = response.json()["access_token"]
        clone.username = username
        return clone

    def request(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.http.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)


@pytest.fixture
def api(gateway, members_service):
    return Api(gateway.url, members_service.db_url)


_cccd_counter = iter(range(1, 10**6))


def new_cccd(gender="MALE", birth_year=1990, province="001"):
    """A CCCD that passes the checks and has not been used in this test session."""
    century = (birth_year // 100 - 19) * 2 + (1 if gender == "FEMALE" else 0)
    return f"{province}{century}{birth_year % 100:02d}{next(_cccd_counter):06d}"


def member_payload(unit_code="00070", **overrides):
    payload = {
        "cccd": new_cccd(overrides.get("gender", "MALE"), overrides.get("birth_year", 1990)),
        "full_name": "Nguyễn Văn An", "gender": "MALE", "birth_year": 1990, "phone": "0912 345 678",
        "unit_code": unit_code, "consent": {"given": True, "channel": "PAPER_FORM"},
    }
    payload.update(overrides)
    return payload
