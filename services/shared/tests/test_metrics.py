"""The metrics provider counts real workers of a real container.

Most RPC and event cases run through ``entrypoint_hook`` on the in-memory transport (the worker's
whole life, provider hooks included, without a broker); one RPC goes through RabbitMQ (the root
conftest's private vhost); HTTP goes through the web port with ``requests``. Counters are
process-wide, so each test compares a sample before and after.
"""

import contextlib
import socket
import time

import eventlet
import pytest
import requests
from nameko.containers import ServiceContainer
from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook
from nameko.web.handlers import http
from prometheus_client import REGISTRY
from werkzeug.wrappers import Response

from contracts.errors import MemberNotFound
from servicekit import metrics
from servicekit.metrics import Metrics


class Ledger:
    name = "metered"

    metrics = Metrics()

    @rpc(expected_exceptions=KeyError)
    def find(self, how):
        if how == "missing":
            raise MemberNotFound()
        if how == "unknown_key":
            raise KeyError(how)
        if how == "crash":
            raise RuntimeError("boom")
        return how

    @rpc
    def count_donation(self, amount):
        self.metrics.inc("donations", amount, level="province")

    @http("GET", "/api/v1/members/<member_id>")
    def get_member(self, request, member_id):
        if member_id == "gone":
            return Response("no", status=404)
        if member_id == "crash":
            raise RuntimeError("boom")
        return 200, member_id

    @event_handler("members", "member_registered")
    def handle_member_registered(self, payload):
        if payload == "crash":
            raise RuntimeError("boom")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def web_address():
    return f"127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def ledger(web_address):
    """One container for the module: stopping one on the in-memory transport takes a second."""
    container = ServiceContainer(Ledger, {"AMQP_URI": "memory://", "WEB_SERVER_ADDRESS": web_address})
    container.start()
    yield container
    container.kill()


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def eventually(read, expected, seconds=5.0):
    """Poll ``read()`` until it equals ``expected``: worker_result runs after the caller got its answer."""
    deadline = time.monotonic() + seconds
    while (value := read()) != expected and time.monotonic() < deadline:
        eventlet.sleep(0.01)
    return value


def rpc_count(outcome, method="find"):
    return sample("rpc_requests_total", service="metered", method=method, outcome=outcome)


def call_find(container, how):
    with entrypoint_hook(container, "find") as find, contextlib.suppress(Exception):
        find(how)  # the outcome is what the test reads


@pytest.mark.parametrize(
    ("how", "outcome"),
    [("fine", "ok"), ("missing", "rejected"), ("unknown_key", "rejected"), ("crash", "error")],
)
def test_an_rpc_call_is_counted_under_its_outcome(ledger, how, outcome):
    before = rpc_count(outcome)
    call_find(ledger, how)
    assert eventually(lambda: rpc_count(outcome), before + 1) == before + 1


def test_an_rpc_call_through_the_broker_is_counted(container_factory, amqp_uri):
    config = {"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}"}
    container_factory(Ledger, config).start()
    before = rpc_count("rejected")
    client = ServiceRpcProxy("metered", {"AMQP_URI": amqp_uri}, timeout=10)
    with client as ledger_client, pytest.raises(MemberNotFound):
        ledger_client.find("missing")
    assert eventually(lambda: rpc_count("rejected"), before + 1) == before + 1


def test_an_rpc_call_is_timed(ledger):
    read = lambda: sample("rpc_request_duration_seconds_count", service="metered", method="find")  # noqa: E731
    before = read()
    call_find(ledger, "fine")
    assert eventually(read, before + 1) == before + 1


def http_count(status, outcome):
    labels = {"method": "GET", "route": "/api/v1/members/<member_id>", "status": status, "outcome": outcome}
    return sample("http_requests_total", service="metered", **labels)


HTTP_CASES = [("m-1", "200", "ok"), ("gone", "404", "rejected"), ("crash", "500", "error")]


@pytest.mark.parametrize(("member_id", "status", "outcome"), HTTP_CASES)
def test_an_http_request_is_counted_by_url_rule_status_and_outcome(
    ledger, web_address, member_id, status, outcome
):
    before = http_count(status, outcome)
    response = requests.get(f"http://{web_address}/api/v1/members/{member_id}", timeout=5)
    assert response.status_code == int(status)
    assert eventually(lambda: http_count(status, outcome), before + 1) == before + 1


def test_an_http_request_is_timed_under_its_url_rule(ledger, web_address):
    labels = {"service": "metered", "method": "GET", "route": "/api/v1/members/<member_id>"}
    read = lambda: sample("http_request_duration_seconds_count", **labels)  # noqa: E731
    before = read()
    requests.get(f"http://{web_address}/api/v1/members/m-2", timeout=5)
    assert eventually(read, before + 1) == before + 1


def event_count(outcome):
    labels = {"source": "members", "event_type": "member_registered", "outcome": outcome}
    return sample("events_handled_total", service="metered", **labels)


@pytest.mark.parametrize(("payload", "outcome"), [("fine", "ok"), ("crash", "error")])
def test_a_handled_event_is_counted_by_source_type_and_outcome(ledger, payload, outcome):
    before = event_count(outcome)
    with entrypoint_hook(ledger, "handle_member_registered") as handle, contextlib.suppress(RuntimeError):
        handle(payload)
    assert eventually(lambda: event_count(outcome), before + 1) == before + 1


def test_a_business_counter_is_named_after_the_service(ledger):
    read = lambda: sample("metered_donations_total", level="province")  # noqa: E731
    before = read()
    with entrypoint_hook(ledger, "count_donation") as count_donation:
        count_donation(250_000)
    assert read() == before + 250_000


def test_a_second_container_of_the_same_service_starts_in_the_same_process(container_factory, ledger):
    config = {"AMQP_URI": "memory://", "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}"}
    second = container_factory(Ledger, config)
    second.start()
    before = rpc_count("ok")
    call_find(second, "fine")
    assert eventually(lambda: rpc_count("ok"), before + 1) == before + 1


def test_the_outbox_state_is_exposed_as_gauges():
    metrics.record_outbox_state("metered", 7, 12.5)
    backlog = sample("outbox_backlog", service="metered")
    assert (backlog, sample("outbox_oldest_unsent_age_seconds", service="metered")) == (7, 12.5)


def test_an_empty_outbox_reports_an_oldest_age_of_zero():
    metrics.record_outbox_state("metered", 0, None)
    assert sample("outbox_oldest_unsent_age_seconds", service="metered") == 0


def test_outbox_inbox_and_dead_letter_counters_increase():
    event = {"source": "members", "event_type": "member_registered"}
    labels = [
        ("outbox_published_total", {}),
        ("outbox_publish_failures_total", {"reason": "ConnectionError"}),
        ("inbox_duplicates_skipped_total", {"consumer": "handle_member_registered"}),
        ("events_dead_lettered_total", event),
    ]
    read = lambda: [sample(name, service="metered", **values) for name, values in labels]  # noqa: E731
    before = read()
    metrics.record_outbox_published("metered", 3)
    metrics.record_outbox_failure("metered", "ConnectionError")
    metrics.record_inbox_duplicate("metered", "handle_member_registered")
    metrics.record_dead_letter("metered", "members", "member_registered")
    assert [after - b for after, b in zip(read(), before, strict=True)] == [3, 1, 1, 1]
