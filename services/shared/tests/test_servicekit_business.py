"""Business counters: declared at zero when a container starts, counted from a use case, and served on the
service's /metrics under the same name ``self.metrics.inc`` uses; members counts each registration once."""

import uuid

import requests
from nameko.containers import ServiceContainer
from prometheus_client import REGISTRY

from members.testing import member_payload
from servicekit import business, ops
from servicekit.metrics import Metrics
from servicekit.testing import free_port


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels)


class Ledgerish(ops.OpsEndpoints):
    name = f"bizz{uuid.uuid4().hex[:6]}"
    metrics = Metrics()
    business_metrics = business.Declare("donations_vnd", sent=[{"channel": "EMAIL"}, {"channel": "SMS"}])


def test_declared_counters_are_served_at_zero_from_the_start_and_count_afterwards(amqp_uri):
    port = free_port()
    container = ServiceContainer(Ledgerish, {"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    container.start()
    try:
        service = Ledgerish.name
        text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert f"{service}_donations_vnd_total 0.0" in text
        assert f'{service}_sent_total{{channel="EMAIL"}} 0.0' in text
        assert f'{service}_sent_total{{channel="SMS"}} 0.0' in text

        business.count(service, "donations_vnd", 250_000)
        business.count(service, "sent", channel="SMS")
        assert sample(f"{service}_donations_vnd_total") == 250_000
        assert sample(f"{service}_sent_total", channel="SMS") == 1
        assert sample(f"{service}_sent_total", channel="EMAIL") == 0
    finally:
        container.stop()


def test_declaring_again_keeps_what_was_counted():
    service = f"bizz{uuid.uuid4().hex[:6]}"
    business.count(service, "completed", 3)
    business.declare(service, "completed")
    assert sample(f"{service}_completed_total") == 3


def test_members_counts_a_registration_once_and_not_its_idempotent_replay(api):
    before = sample("members_registered_total") or 0
    officer = api.as_officer("OFFICER", "00070")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    payload = member_payload("00070")
    first = officer.post("/members", json=payload, headers=key)
    replay = officer.post("/members", json=payload, headers=key)
    assert (first.status_code, replay.status_code) == (201, 201) and first.json() == replay.json()
    assert sample("members_registered_total") == before + 1
