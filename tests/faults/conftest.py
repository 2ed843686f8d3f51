"""Fixtures of the fault tests: one platform of real processes on a private RabbitMQ node and a private
PostgreSQL cluster (both started here, both killed or restarted by the tests), shared by every fault test
of the session with one ledger of what was acknowledged, so each test reconciles everything sent so far.

``FAULTS_FULL=1`` runs the whole matrix (every service × SIGKILL and SIGTERM); without it ``make test``
runs one case of each kind of fault (``faults_full`` marks the others). ``FAULTS_RESULTS`` names the JSON
file the figures of the run are written to (default ``var/faults/faults-<time>.json``).
"""

import json
import os
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from servicekit.testing import create_database
from tests.faults import harness, infra

REPO = Path(__file__).resolve().parents[2]
FULL = os.environ.get("FAULTS_FULL") == "1"


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: kills and restarts a private broker, database and service processes")
    config.addinivalue_line("markers", "faults_full: the rest of the fault matrix, run with FAULTS_FULL=1")


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="the full fault matrix runs with FAULTS_FULL=1 (make loadtest)")
    for item in items:
        if "faults_full" in item.keywords and not FULL:
            item.add_marker(skip)


class FaultPlatform:
    """The stack, its broker and database server, the commune's officer, fund and campaign, the ledger."""

    def __init__(self, stack, rabbit, postgres, token, fund_id, year):
        self.stack, self.rabbit, self.postgres = stack, rabbit, postgres
        self.token, self.fund_id, self.year = token, fund_id, year
        self.ledger = harness.Ledger()
        self.results = []

    def traffic(self, clients=6):
        return harness.Traffic(self.stack.base_url, self.token, self.fund_id, self.year, self.ledger, clients)

    @contextmanager
    def under_load(self, before=15, clients=6):
        """Traffic flowing (``before`` acknowledgements) when the body injects its fault; the body then
        waits for the platform to acknowledge again; on leaving, the clients finish their requests."""
        traffic = self.traffic(clients).start()
        try:
            traffic.wait_acknowledged(before)
            yield traffic
        finally:
            traffic.stop()

    def reconcile(self, test_name, faults, started):
        """Check the client's side (every request acknowledged, none refused), then count everything."""
        summary = self.ledger.summary()
        assert not self.ledger.refused, f"refused requests: {self.ledger.refused[:5]}"
        assert not self.ledger.unacknowledged, f"never acknowledged: {self.ledger.unacknowledged[:5]}"
        counts = harness.reconcile(self.stack.db_urls, self.ledger, self.stack.amqp_uri)
        self.results.append({"test": test_name, "faults": faults, "seconds": round(time.monotonic() - started, 1),
                             "client": summary, "counts": counts})  # fmt: skip
        return counts

    def ensure_running(self):
        """A test that failed half-way may leave a process down: start it again for the next test."""
        down = [name for name, process in self.stack.processes.items() if process.popen.poll() is not None]
        if down:
            self.stack.start(*down)
        self.stack.wait_ready(90)


@pytest.fixture(scope="session", autouse=True)
def _sweep_orphans():
    """Nodes and clusters of an earlier run that was killed hold ports, memory and, worse, an Erlang
    distribution that slowed the machine's own broker: gone before this session starts its own."""
    infra.sweep_orphans()


@pytest.fixture(scope="session")
def rabbit_node(_sweep_orphans):
    try:
        node = infra.RabbitNode()
    except infra.Unavailable as error:
        pytest.skip(str(error))
    node.start()
    yield node
    node.stop()


@pytest.fixture(scope="session")
def postgres_cluster(_sweep_orphans):
    try:
        cluster = infra.PostgresCluster()
    except infra.Unavailable as error:
        pytest.skip(str(error))
    cluster.init().start()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def fault_platform(rabbit_node, postgres_cluster, tmp_path_factory):
    admin = create_engine(postgres_cluster.url(), isolation_level="AUTOCOMMIT")
    urls = {}
    for name in harness.SERVICES:
        database = f"{name}_{uuid.uuid4().hex[:6]}"
        create_database(admin, database)
        urls[name] = postgres_cluster.url(database)
    admin.dispose()
    logs = tmp_path_factory.mktemp("fault-logs")
    stack = harness.Stack(rabbit_node.uri(), urls, logs, rpc_timeout=5)
    stack.migrate()
    stack.start()
    stack.wait_ready()
    platform = FaultPlatform(stack, rabbit_node, postgres_cluster, *harness.prepare(stack))
    yield platform
    stack.stop()
    _write_results(platform)


@pytest.fixture
def platform(fault_platform):
    fault_platform.ensure_running()
    return fault_platform


def _write_results(platform):
    if not platform.results:
        return
    path = Path(os.environ.get("FAULTS_RESULTS") or REPO / "var" / "faults" /
                f"faults-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json")  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    final = platform.results[-1]
    document = {
        "finished_at": datetime.now(UTC).isoformat(),
        "faults_injected": sum(len(r["faults"]) for r in platform.results),
        "client": final["client"],
        "counts": final["counts"],
        "lost": sum(r["counts"]["lost"] for r in platform.results),
        "duplicated": sum(r["counts"]["duplicated"] for r in platform.results),
        "tests": platform.results,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str))
    print(f"\nfault test figures: {path}")
