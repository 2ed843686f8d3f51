"""/metrics, /healthz and /readyz of a real container, called over HTTP.

A container with only HTTP entrypoints starts without a broker, so the readiness checks can be pointed
at the test session's vhost (the root conftest's ``amqp_uri``), at a closed port, or at a listener that
never answers. The broker check only opens and closes a connection: nothing is declared on the broker.
"""

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from nameko.extensions import DependencyProvider

from servicekit import metrics
from servicekit.ops import BrokerProbe, OpsEndpoints


class Probed(OpsEndpoints):
    name = "probed"

    ops_broker = BrokerProbe(timeout=0.5)


class DatabaseDownError(Exception):
    pass


class FakeDatabase(DependencyProvider):
    """Stands in for ``UnitOfWork``: its dependency has ``ping()``, which raises when the database is away."""

    def __init__(self, error=None):
        self.error = error

    def get_dependency(self, worker_ctx):
        return self

    def ping(self):
        if self.error:
            raise self.error


class ProbedWithDatabase(Probed):
    uow = FakeDatabase()


class ProbedWithDatabaseDown(Probed):
    uow = FakeDatabase(DatabaseDownError("connection refused"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def start(container_factory, amqp_uri):
    """``start(service_cls, broker_uri)`` -> the base URL of the started container's web port."""

    def start_service(service_cls, broker_uri=amqp_uri):
        address = f"127.0.0.1:{free_port()}"
        container = container_factory(service_cls, {"AMQP_URI": broker_uri, "WEB_SERVER_ADDRESS": address})
        container.start()
        return f"http://{address}"

    return start_service


def test_metrics_serves_the_default_registry_in_the_prometheus_text_format(start):
    metrics.record_outbox_state("probed", 3, 1.5)
    response = requests.get(f"{start(Probed)}/metrics", timeout=5)
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert 'outbox_backlog{service="probed"} 3.0' in response.text.splitlines()


def test_healthz_answers_ok_with_the_service_name(start):
    response = requests.get(f"{start(Probed)}/healthz", timeout=5)
    assert (response.status_code, response.json()) == (200, {"status": "ok", "service": "probed"})


def test_readyz_is_ready_when_the_broker_answers(start):
    response = requests.get(f"{start(Probed)}/readyz", timeout=5)
    assert (response.status_code, response.json()) == (200, {"status": "ready", "checks": {"broker": "ok"}})


def test_readyz_names_the_broker_error_when_nothing_listens_on_its_port(start):
    base = start(Probed, f"pyamqp://guest:guest@127.0.0.1:{free_port()}//")
    response = requests.get(f"{base}/readyz", timeout=5)
    body = {"status": "not_ready", "checks": {"broker": "ConnectionRefusedError"}}
    assert (response.status_code, response.json()) == (503, body)


def test_readyz_checks_the_database_when_the_service_has_one(start):
    response = requests.get(f"{start(ProbedWithDatabase)}/readyz", timeout=5)
    body = {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}
    assert (response.status_code, response.json()) == (200, body)


def test_readyz_names_the_database_error_when_ping_fails(start):
    response = requests.get(f"{start(ProbedWithDatabaseDown)}/readyz", timeout=5)
    body = {"status": "not_ready", "checks": {"database": "DatabaseDownError", "broker": "ok"}}
    assert (response.status_code, response.json()) == (503, body)


def test_a_storm_of_readiness_probes_opens_one_broker_check(start):
    with socket.socket() as silent_broker:  # accepts connections (the kernel does) and never answers
        silent_broker.bind(("127.0.0.1", 0))
        silent_broker.listen(128)
        base = start(Probed, f"pyamqp://guest:guest@127.0.0.1:{silent_broker.getsockname()[1]}//")
        with ThreadPoolExecutor(20) as pool:
            statuses = list(
                pool.map(lambda _: requests.get(f"{base}/readyz", timeout=10).status_code, range(20))
            )
        silent_broker.setblocking(False)
        connections = 0
        while True:
            try:
                silent_broker.accept()[0].close()
            except BlockingIOError:
                break
            connections += 1
    assert (statuses, connections) == ([503] * 20, 1)
