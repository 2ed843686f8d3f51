"""Each process of the platform killed with SIGKILL, or stopped with SIGTERM, in the middle of a steady load
of registrations, donations, evaluations and self-assessments, then started again: every request the
clients got an answer for is in its database exactly once, every event reached every consumer once in
effect, every ledger account equals the sum of its postings.

``make test`` runs SIGKILL of members and SIGTERM of funds; FAULTS_FULL=1 runs every service × both."""

import signal
import time

import pytest

pytestmark = pytest.mark.faults

REPRESENTATIVE = {("members", signal.SIGKILL), ("funds", signal.SIGTERM)}
CASES = [
    pytest.param(name, sig, id=f"{name}-{sig.name}",
                 marks=() if (name, sig) in REPRESENTATIVE else pytest.mark.faults_full)
    for name in ("members", "funds", "evaluations", "notifications", "gateway")
    for sig in (signal.SIGKILL, signal.SIGTERM)
]  # fmt: skip


@pytest.mark.parametrize(("name", "sig"), CASES)
def test_a_process_stopped_mid_load_loses_and_doubles_nothing(platform, name, sig):
    started = time.monotonic()
    faults_before = len(platform.stack.faults)
    with platform.under_load(before=15) as traffic:
        platform.stack.restart(name, sig)
        traffic.wait_acknowledged(15)
    counts = platform.reconcile(f"{name} {sig.name}", platform.stack.faults[faults_before:], started)
    assert counts["members"] == len(platform.ledger.registrations) > 0
    assert counts["donations"] == len(platform.ledger.donations) > 0
