"""Operations endpoints of every service: ``GET /metrics``, ``GET /healthz`` and ``GET /readyz``.

A service inherits ``OpsEndpoints``; the endpoints are served on its web port (nameko's
``WEB_SERVER_ADDRESS``, e.g. ``0.0.0.0:8001`` for members).

- ``/metrics``: prometheus-client's default registry in the text exposition format.
- ``/healthz``: 200 ``{"status": "ok", "service": name}`` while the process runs (liveness).
- ``/readyz``: 200 ``{"status": "ready", "checks": {...}}`` when the database (``self.uow.ping()``, only
  if the service has a ``uow``) and the broker answer, else 503 ``"not_ready"`` with the error class of
  each failed check. Each check is bounded to ``PROBE_TIMEOUT_SECONDS``; the broker's answer is kept for
  ``BROKER_CACHE_SECONDS`` and concurrent probes share one connection attempt, so a probe storm opens
  one connection, not hundreds.

The entrypoint methods are prefixed ``ops_`` so they never collide with a service's own names (a
``metrics = Metrics()`` dependency, say).
"""

import json
import time

import eventlet
from eventlet.semaphore import Semaphore
from kombu import Connection
from nameko.extensions import DependencyProvider
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from werkzeug.wrappers import Response

from servicekit.config import DEFAULTS, setting

PROBE_TIMEOUT_SECONDS = 2.0
BROKER_CACHE_SECONDS = 5.0


class ProbeTimeoutError(Exception):
    pass


def check_broker(amqp_uri, timeout=PROBE_TIMEOUT_SECONDS):
    """``"ok"`` if the broker accepts an AMQP connection within ``timeout``, else the error's class name."""
    try:
        with (
            eventlet.Timeout(timeout + 0.5, ProbeTimeoutError),
            Connection(amqp_uri, connect_timeout=timeout) as conn,
        ):
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout, reraise_as_library_errors=False)
        return "ok"
    except Exception as error:
        return type(error).__name__


def check_database(uow, timeout=PROBE_TIMEOUT_SECONDS):
    """``"ok"`` if ``uow.ping()`` returns within ``timeout``, else the error's class name."""
    try:
        with eventlet.Timeout(timeout, ProbeTimeoutError):
            uow.ping()
        return "ok"
    except Exception as error:
        return type(error).__name__


class BrokerProbe(DependencyProvider):
    """``self.ops_broker()`` is the broker check's answer, at most ``cache_seconds`` old."""

    def __init__(self, timeout=PROBE_TIMEOUT_SECONDS, cache_seconds=BROKER_CACHE_SECONDS):
        self.timeout = timeout
        self.cache_seconds = cache_seconds

    def setup(self):
        self.amqp_uri = setting(self.container.config, "AMQP_URI", DEFAULTS["AMQP_URI"])
        self._lock = Semaphore()
        self._answer, self._answered_at = None, float("-inf")

    def check(self):
        with self._lock:  # probes that arrive during a check wait for its answer instead of connecting
            if time.monotonic() - self._answered_at > self.cache_seconds:
                self._answer = check_broker(self.amqp_uri, self.timeout)
                self._answered_at = time.monotonic()
            return self._answer

    def get_dependency(self, worker_ctx):
        return self.check


def json_response(status, body):
    return Response(json.dumps(body), status=status, mimetype="application/json")


class OpsEndpoints:
    """Mixin: ``class MembersService(OpsEndpoints): ...`` serves /metrics, /healthz and /readyz."""

    ops_broker = BrokerProbe()

    @http("GET", "/metrics")
    def ops_metrics(self, request):
        return Response(generate_latest(REGISTRY), status=200, content_type=CONTENT_TYPE_LATEST)

    @http("GET", "/healthz")
    def ops_healthz(self, request):
        return json_response(200, {"status": "ok", "service": self.name})

    @http("GET", "/readyz")
    def ops_readyz(self, request):
        checks = {"database": check_database(self.uow)} if hasattr(self, "uow") else {}
        checks["broker"] = self.ops_broker()
        if all(answer == "ok" for answer in checks.values()):
            return json_response(200, {"status": "ready", "checks": checks})
        return json_response(503, {"status": "not_ready", "checks": checks})
