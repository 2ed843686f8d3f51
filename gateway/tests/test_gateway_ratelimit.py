"""Per-client token buckets: the arithmetic on a fake clock, and the 429 a real gateway answers."""

import pytest
import requests

from gateway.ratelimit import RateLimiter
from gateway.service import GatewayService
from members.service import MembersService
from members.testing import Api
from servicekit.http import TooManyRequests
from servicekit.testing import Running, service_config, start_container


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_client_may_send_its_burst_at_once_then_waits_for_the_rate():
    clock = Clock()
    limiter = RateLimiter(rate=2, burst=3, clock=clock)
    for _ in range(3):
        limiter.check("a")
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("a")
    assert refused.value.headers == {"Retry-After": "1"}
    clock.now = 0.5  # one token back at 2 a second
    limiter.check("a")


def test_clients_have_separate_buckets():
    limiter = RateLimiter(rate=1, burst=1, clock=Clock())
    limiter.check("a")
    limiter.check("b")
    with pytest.raises(TooManyRequests):
        limiter.check("a")


def test_retry_after_is_whole_seconds_rounded_up():
    limiter = RateLimiter(rate=0.1, burst=1, clock=Clock())
    limiter.check("a")
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("a")
    assert refused.value.details["retry_after"] == 10


def test_a_client_can_have_its_own_limit():
    limiter = RateLimiter(rate=1, burst=1, overrides={"big": {"rate": 100, "burst": 5}}, clock=Clock())
    for _ in range(5):
        limiter.check("big")


@pytest.mark.rabbit
def test_a_client_over_its_limit_gets_429_with_retry_after_and_officers_are_not_limited(
        amqp_uri, members_module_db_url):
    members_config, _ = service_config(amqp_uri, DATABASE_URL=members_module_db_url)
    members = start_container(MembersService, members_config)
    config, port = service_config(amqp_uri, JWT_SECRET="test-secret-of-at-least-thirty-two-bytes!",
                                  CLIENT_RATE_PER_SECOND=0.01, CLIENT_RATE_BURST=3)
    gateway = start_container(GatewayService, config)
    try:
        api = Api(Running(gateway, port).url, members_module_db_url)
        admin = api.as_officer("ADMIN", "VN")
        client = admin.post("/clients", json={"name": "LGSP", "unit_code": "01", "scopes": ["members:read"]}).json()
        form = {"grant_type": "client_credentials", "client_id": client["id"], "client_secret": client["client_secret"]}
        answer = requests.post(f"{api.base}/oauth/token", data=form, timeout=30)
        machine = Api(api.base_url, api.db_url, answer.json()["access_token"])
        statuses = [machine.get("/units/01").status_code for _ in range(4)]
        refused = machine.get("/units/01")
        assert statuses == [200, 200, 200, 429]
        assert (refused.json()["code"], int(refused.headers["Retry-After"]) >= 1) == ("rate_limited", True)
        assert all(admin.get("/units/01").status_code == 200 for _ in range(5))
    finally:
        gateway.stop()
        members.stop()
