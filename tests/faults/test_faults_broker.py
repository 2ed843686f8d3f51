"""The platform's private RabbitMQ node killed with SIGKILL in the middle of the load and started again:
every service reconnects (RPC consumers, reply queues, event consumers re-declaring their quorum queues,
the outbox relays), nothing acknowledged is lost, nothing is applied twice."""

import time

import eventlet
import pytest

pytestmark = pytest.mark.faults


def test_the_broker_killed_mid_load_and_restarted_loses_and_doubles_nothing(platform):
    started = time.monotonic()
    with platform.under_load(before=15) as traffic:
        platform.rabbit.kill()
        platform.stack.faults.append("SIGKILL rabbitmq")
        eventlet.sleep(1)
        platform.rabbit.start()
        traffic.wait_acknowledged(30, timeout=180)
    counts = platform.reconcile("rabbitmq SIGKILL", ["SIGKILL rabbitmq"], started)
    platform.stack.wait_ready()
    assert counts["members"] == len(platform.ledger.registrations) > 0
