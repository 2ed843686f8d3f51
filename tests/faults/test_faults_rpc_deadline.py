"""An RPC whose target is down: the gateway answers 503 ``service_unavailable`` within its deadline, and
the request does not run when the service comes back (it expired in the broker). The client's retry
with the same key is then applied exactly once."""

import signal
import time
import uuid

import eventlet
import pytest
import requests
from sqlalchemy import create_engine, func, select

from funds.models import Transfer

pytestmark = pytest.mark.faults


def transfers_with_id(url, transfer_id):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).where(Transfer.id == transfer_id)).scalar_one()
    finally:
        engine.dispose()


def test_a_donation_sent_while_funds_is_down_is_503_and_never_runs_later(platform):
    started, stack, ledger = time.monotonic(), platform.stack, platform.ledger
    key, body = str(uuid.uuid4()), {"donor_kind": "ANONYMOUS", "amount_vnd": 1_230_000, "channel": "CASH"}
    url = f"{stack.base_url}/api/v1/funds/{platform.fund_id}/donations"
    headers = {"Authorization": f"Bearer {platform.token}", "Idempotency-Key": key}
    with platform.under_load(before=10) as traffic:
        stack.kill("funds", signal.SIGKILL)
        sent = time.monotonic()
        refused = requests.post(url, json=body, headers=headers, timeout=30)
        waited = time.monotonic() - sent
        eventlet.sleep(1)  # past the request's expiration
        stack.start("funds")
        donations = len(ledger.donations)
        traffic.wait_acknowledged(20)
        while len(ledger.donations) < donations + 3:  # funds has worked through its queue since
            eventlet.sleep(0.1)
    assert (refused.status_code, refused.json()["code"]) == (503, "service_unavailable"), refused.text
    assert waited < stack.rpc_timeout + 3 and refused.headers["Retry-After"]
    assert transfers_with_id(stack.db_urls["funds"], key) == 0

    retried = requests.post(url, json=body, headers=headers, timeout=30)
    assert retried.status_code == 201, retried.text
    ledger.requests += 1
    ledger.donations[key] = {"amount_vnd": body["amount_vnd"], "has_contact": False}
    platform.reconcile("rpc to a stopped service", [f"SIGKILL funds, then a donation ({refused.json()['message_en']})"],
                       started)  # fmt: skip
    assert transfers_with_id(stack.db_urls["funds"], key) == 1
