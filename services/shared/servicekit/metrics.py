"""Prometheus metrics of every service.

Every metric object lives at module level in prometheus-client's default registry, created once per
process at import: a second container of the same service in one process (tests, or two services run
together) reuses them instead of failing with duplicated time series, which is what nameko-prometheus
does (RELIABILITY.md, fact 9). Containers are told apart by the ``service`` label.

``outcome`` is ``ok``; ``rejected`` for an expected error (a ``contracts.errors.PlatformError``, an
exception listed in the entrypoint's ``expected_exceptions``, or an HTTP 4xx); ``error`` for anything
else (an unexpected exception, an HTTP 5xx).

A service adds ``metrics = Metrics()``; every RPC, HTTP and event entrypoint is then counted and timed.
``self.metrics.inc("donations", amount, level="province")`` increments the business counter
``<service>_donations_total``. The outbox relay, the inbox and the event handler report through the
``record_*`` functions below. ``servicekit.ops`` serves the registry on ``GET /metrics``.
"""

import time

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import Counter, Gauge, Histogram
from werkzeug.wrappers import Response

from contracts.errors import PlatformError

OK, REJECTED, ERROR = "ok", "rejected", "error"

RPC_REQUESTS = Counter("rpc_requests_total", "RPC requests handled, by outcome.", ["service", "method", "outcome"])
RPC_DURATION = Histogram("rpc_request_duration_seconds", "Time to handle an RPC request.", ["service", "method"])
HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests handled, by URL rule, status and outcome.",
    ["service", "method", "route", "status", "outcome"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds", "Time to handle an HTTP request.", ["service", "method", "route"]
)
EVENTS_HANDLED = Counter(
    "events_handled_total", "Events handled, by outcome.", ["service", "source", "event_type", "outcome"]
)
EVENT_DURATION = Histogram(
    "event_handling_duration_seconds", "Time to handle an event.", ["service", "source", "event_type"]
)
OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows not yet published.", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_unsent_age_seconds",
    "Age of the oldest outbox row not yet published (0 if none).",
    ["service"],
)
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published and confirmed.", ["service"])
OUTBOX_FAILURES = Counter(
    "outbox_publish_failures_total",
    "Outbox relay rounds or rows that failed, by reason.",
    ["service", "reason"],
)
INBOX_DUPLICATES = Counter(
    "inbox_duplicates_skipped_total",
    "Events skipped because the consumer had already claimed them.",
    ["service", "consumer"],
)
EVENTS_DEAD_LETTERED = Counter(
    "events_dead_lettered_total", "Events sent to the dead-letter queue.", ["service", "source", "event_type"]
)

_business_counters = {}


def record_outbox_state(service, backlog, oldest_age_seconds):
    OUTBOX_BACKLOG.labels(service).set(backlog)
    OUTBOX_OLDEST_AGE.labels(service).set(oldest_age_seconds or 0)


def record_outbox_published(service, count=1):
    OUTBOX_PUBLISHED.labels(service).inc(count)


def record_outbox_failure(service, reason):
    OUTBOX_FAILURES.labels(service, reason).inc()


def record_inbox_duplicate(service, consumer):
    INBOX_DUPLICATES.labels(service, consumer).inc()


def record_dead_letter(service, source, event_type):
    EVENTS_DEAD_LETTERED.labels(service, source, event_type).inc()


def outcome_of(exc, expected_exceptions=()):
    if exc is None:
        return OK
    if isinstance(exc, (PlatformError, expected_exceptions)):
        return REJECTED
    return ERROR


def http_status(entrypoint, result, exc):
    """The status the client got: the handler's own answer to an exception, else the result's."""
    if exc is not None:
        respond = getattr(entrypoint, "response_from_exception", None)
        return respond(exc).status_code if respond else 500
    if isinstance(result, Response):
        return result.status_code
    if isinstance(result, tuple) and result and isinstance(result[0], int):
        return result[0]
    return 200


def observe(service, entrypoint, args, result, exc, seconds):
    """Count and time one finished worker; entrypoints other than RPC, HTTP and events are ignored."""
    outcome = outcome_of(exc, entrypoint.expected_exceptions)
    if isinstance(entrypoint, Rpc):
        RPC_REQUESTS.labels(service, entrypoint.method_name, outcome).inc()
        RPC_DURATION.labels(service, entrypoint.method_name).observe(seconds)
    elif isinstance(entrypoint, HttpRequestHandler):
        method = getattr(args[0], "method", entrypoint.method) if args else entrypoint.method
        status = http_status(entrypoint, result, exc)
        if exc is None:
            outcome = ERROR if status >= 500 else REJECTED if status >= 400 else OK
        HTTP_REQUESTS.labels(service, method, entrypoint.url, str(status), outcome).inc()
        HTTP_DURATION.labels(service, method, entrypoint.url).observe(seconds)
    elif isinstance(entrypoint, EventHandler):
        EVENTS_HANDLED.labels(service, entrypoint.source_service, entrypoint.event_type, outcome).inc()
        EVENT_DURATION.labels(service, entrypoint.source_service, entrypoint.event_type).observe(seconds)


class BusinessCounters:
    """What ``self.metrics`` is in a worker: ``inc("donations", 1, level="province")``."""

    def __init__(self, service):
        self.service = service

    def inc(self, name, amount=1, **labels):
        full_name = f"{self.service}_{name}_total"
        counter = _business_counters.get(full_name)
        if counter is None:
            counter = Counter(full_name, f"{self.service}: {name}.", sorted(labels))
            _business_counters[full_name] = counter
        (counter.labels(**labels) if labels else counter).inc(amount)


class Metrics(DependencyProvider):
    """``metrics = Metrics()``: counts and times every RPC, HTTP and event worker of the service."""

    def __init__(self):
        self._started = {}  # one provider serves every worker of the container: state is per worker_ctx

    def setup(self):
        """Every RPC method's and event handler's series exist at zero from the start (Prometheus' advice):
        a rate or an alert over a series that appears only with its first error would miss that error."""
        service = self.container.service_name
        for entrypoint in self.container.entrypoints:
            if isinstance(entrypoint, Rpc):
                for outcome in (OK, REJECTED, ERROR):
                    RPC_REQUESTS.labels(service, entrypoint.method_name, outcome)
            elif isinstance(entrypoint, EventHandler):
                source, event_type = entrypoint.source_service, entrypoint.event_type
                for outcome in (OK, REJECTED, ERROR):
                    EVENTS_HANDLED.labels(service, source, event_type, outcome)
                EVENTS_DEAD_LETTERED.labels(service, source, event_type)

    def worker_setup(self, worker_ctx):
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(worker_ctx, None)
        if started is not None:
            exc = exc_info[1] if exc_info else None
            seconds = time.perf_counter() - started
            observe(worker_ctx.service_name, worker_ctx.entrypoint, worker_ctx.args, result, exc, seconds)

    def worker_teardown(self, worker_ctx):
        self._started.pop(worker_ctx, None)

    def get_dependency(self, worker_ctx):
        return BusinessCounters(worker_ctx.service_name)
