"""RPC with a deadline on a real broker: a call to a service that is down fails fast and clearly, and the
request it sent never runs later (RELIABILITY.md, fact 7)."""

import uuid

import pytest
from nameko.testing.services import entrypoint_hook

from contracts.errors import ServiceUnavailable
from servicekit.rpc import RpcClient, rpc  # the services' rpc: it drops a request past its deadline
from servicekit.testing import start_container


def services(timeout=1.0):
    suffix = uuid.uuid4().hex[:6]
    calls = []

    class Target:
        name = f"rpctarget{suffix}"

        @rpc
        def work(self, label):
            calls.append(label)
            return label

    class Caller:
        name = f"rpccaller{suffix}"
        target = RpcClient(Target.name, timeout=timeout)

        @rpc
        def call(self, label):
            return self.target.work(label)

    return Target, Caller, calls


@pytest.fixture
def containers(amqp_uri):
    started = []

    def start(service_cls):
        container = start_container(service_cls, {"AMQP_URI": amqp_uri})
        started.append(container)
        return container

    yield start
    for container in started:
        container.stop()


def test_a_call_to_a_service_that_never_ran_is_unavailable_at_once(containers):
    _, caller_cls, _ = services()
    caller = containers(caller_cls)
    with entrypoint_hook(caller, "call") as call, pytest.raises(ServiceUnavailable, match="not running"):
        call("first")


def test_a_call_to_a_stopped_service_times_out_and_never_runs_when_it_comes_back(containers):
    target_cls, caller_cls, calls = services(timeout=1.0)
    containers(target_cls).stop()  # its queue exists, nobody consumes it
    caller = containers(caller_cls)
    with entrypoint_hook(caller, "call") as call, pytest.raises(ServiceUnavailable, match="did not answer"):
        call("expired")
    containers(target_cls)
    with entrypoint_hook(caller, "call") as call:
        assert call("after restart") == "after restart"
    assert calls == ["after restart"]  # the expired request, ahead of it in the queue, was dropped


def test_a_service_whose_database_is_down_is_unavailable_not_an_error(containers):
    from sqlalchemy import create_engine, text

    suffix = uuid.uuid4().hex[:6]

    class Target:
        name = f"rpcdbdown{suffix}"

        @rpc
        def work(self):  # a PostgreSQL port nobody listens on: what a service sees while its server is down
            with create_engine("postgresql+psycopg2://postgres@127.0.0.1:9/x").connect() as connection:
                connection.execute(text("select 1"))

    class Caller:
        name = f"rpcdbcaller{suffix}"
        target = RpcClient(Target.name, timeout=10)

        @rpc
        def call(self):
            return self.target.work()

    containers(Target)
    caller = containers(Caller)
    with entrypoint_hook(caller, "call") as call, pytest.raises(ServiceUnavailable, match="database") as raised:
        call()
    assert raised.value.details == {"service": Target.name, "cause": "database"}


def test_a_request_the_broker_cannot_take_is_unavailable_not_an_error():
    """The publishing side of a call with the broker gone: kombu raises the connection's error."""
    from servicekit.rpc import _MethodCaller

    class BrokerGone:
        worker_ctx = type("WorkerContext", (), {"context_data": {}})()

        def call_async(self, *args, **kwargs):
            raise ConnectionRefusedError(111, "Connection refused")

    caller = _MethodCaller(type("Proxy", (), {"work": BrokerGone()})(), "members", "work", 1.0, lambda: None)
    with pytest.raises(ServiceUnavailable, match="broker") as raised:
        caller()
    assert raised.value.details == {"service": "members", "cause": "broker"}


def test_a_request_that_reaches_the_service_after_its_deadline_is_dropped_unrun(containers, amqp_uri):
    """The AMQP expiration counts from the broker's receipt; the deadline header from the caller's clock."""
    import time

    import eventlet
    from nameko.standalone.rpc import ClusterRpcProxy

    target_cls, _, calls = services()
    containers(target_cls)
    late = {"rpc_deadline": time.time() - 0.5}
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, context_data=late) as cluster:
        reply = getattr(cluster, target_cls.name).work.call_async("too late")
        with pytest.raises(eventlet.Timeout), eventlet.Timeout(2):
            reply.result()
    in_time = {"rpc_deadline": time.time() + 30}
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, context_data=in_time) as cluster:
        assert getattr(cluster, target_cls.name).work("in time") == "in time"
    assert calls == ["in time"]
