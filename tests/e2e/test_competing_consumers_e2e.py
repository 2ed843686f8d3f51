"""Two processes of one service share its work: two `nameko run` processes of members, on one PostgreSQL
database and one broker, both consume the service's RPC queue (competing consumers: RabbitMQ hands each
request to one of them). Each process counts what it handled on its own /metrics; together they handled
every request exactly once. Scaling any service on one machine, with compose (--scale) or on Kubernetes
(replicas) is this same mechanism."""

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy
from prometheus_client.parser import text_string_to_metric_families

REQUESTS = 60

# Several processes of one service need PostgreSQL (servicekit/db.py): on SQLite a service is one process.
pytestmark = pytest.mark.parametrize("members_db_url", ["postgres"], indirect=True)


def handled(process, method):
    """How many ``method`` RPCs this process answered, from its own /metrics."""
    text = requests.get(f"{process.url}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "rpc_requests_total" and sample.labels == {
                "service": "members",
                "method": method,
                "outcome": "ok",
            }:
                return int(sample.value)
    return 0


def echo_all(amqp_uri, count):
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as cluster:
        replies = [cluster.members.echo.call_async(i) for i in range(count)]
        return [reply.result() for reply in replies]


def test_two_processes_of_members_share_its_rpc_queue_and_one_takes_over_when_the_other_dies(platform, amqp_uri):
    first, second = platform.start_members(), platform.start_members()

    assert echo_all(amqp_uri, REQUESTS) == list(range(REQUESTS))  # every request answered once, to its caller
    counts = [handled(first, "echo"), handled(second, "echo")]
    assert sum(counts) == REQUESTS
    assert all(count > 0 for count in counts), f"one process did all the work: {counts}"

    first.kill()  # SIGKILL: a replica that crashed
    assert echo_all(amqp_uri, 10) == list(range(10))
    assert handled(second, "echo") == counts[1] + 10
