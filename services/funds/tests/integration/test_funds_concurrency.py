"""Many simultaneous transfers from several OS processes against the same three funds: whatever the
interleaving, every accepted transfer is applied once, refused ones not at all, balances are exactly what
the accepted transfers imply and no CASH balance is negative. On PostgreSQL the accounts are locked in
key order (SELECT ... FOR UPDATE through an upsert). SQLite is left out: it serialises writers at BEGIN
IMMEDIATE, so there is no race to lose, and one service on SQLite runs as one process anyway."""

import json
import os
import random
import subprocess
import sys
import uuid
from collections import defaultdict

import pytest

PROCESSES, TRANSFERS_EACH, SHARED = 4, 25, 8
START_VND = 1_000_000


def run_racers(url, fund_ids, actor, shared):
    """One ``python -m funds.testing race`` process per racer, all started before any is awaited."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    racers = [
        subprocess.Popen(
            [sys.executable, "-m", "funds.testing", "race", json.dumps(
                {"url": url, "fund_ids": fund_ids, "actor": actor, "shared_ids": shared, "seed": seed,
                 "count": TRANSFERS_EACH})],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )
        for seed in range(PROCESSES)
    ]
    outcomes = []
    for racer in racers:
        out, err = racer.communicate(timeout=300)
        assert racer.returncode == 0, err.decode()[-3000:]
        outcomes += json.loads(out.decode().strip().splitlines()[-1])
    return outcomes


def test_concurrent_transfers_end_with_exact_balances(funds_db_url, actor, new_fund, donate, get_fund, count):
    if not funds_db_url.startswith("postgresql"):
        pytest.skip("SQLite writers queue at BEGIN IMMEDIATE: the race is PostgreSQL's")
    fund_ids = [new_fund(name=f"Quỹ tranh chấp {n}")["id"] for n in range(3)]
    for fund_id in fund_ids:
        donate(fund_id, START_VND)
    rng = random.Random(7)
    shared = [(str(uuid.uuid4()), rng.sample(fund_ids, 2), rng.randint(1, 400_000)) for _ in range(SHARED)]
    outcomes = run_racers(funds_db_url, fund_ids, actor("OFFICER", "00070"), shared)
    accepted = {tid: answer for tid, outcome, answer in outcomes if outcome == "ok"}
    expected = defaultdict(lambda: START_VND)
    for answer in accepted.values():
        expected[answer["fund_id"]] -= answer["amount_vnd"]
        expected[answer["counter_fund_id"]] += answer["amount_vnd"]
    balances = {fund_id: get_fund(fund_id)["balance"]["cash_vnd"] for fund_id in fund_ids}
    assert {outcome for _, outcome, _ in outcomes} == {"ok", "insufficient_funds"}
    assert balances == {fund_id: expected[fund_id] for fund_id in fund_ids}
    assert min(balances.values()) >= 0 and sum(balances.values()) == 3 * START_VND
    assert count("transfers", kind="fund_transfer") == len(accepted)
