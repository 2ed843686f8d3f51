"""The platform's private PostgreSQL cluster stopped at once (``pg_ctl -m immediate``: every backend dies,
crash recovery at start) in the middle of the load and started again: the services' pools reconnect
(``pool_pre_ping``), the requests that failed meanwhile are retried with their keys, and the count is
exact."""

import time

import pytest

pytestmark = pytest.mark.faults


def test_postgresql_restarted_mid_load_loses_and_doubles_nothing(platform):
    started = time.monotonic()
    with platform.under_load(before=15) as traffic:
        platform.postgres.restart("immediate")
        platform.stack.faults.append("restart postgresql (immediate)")
        traffic.wait_acknowledged(30, timeout=180)
    counts = platform.reconcile("postgresql restart", ["restart postgresql (immediate)"], started)
    platform.stack.wait_ready()
    assert counts["donations"] == len(platform.ledger.donations) > 0
