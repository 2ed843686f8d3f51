"""The operator's tool against a real broker (a private vhost) and real databases (SQLite and PostgreSQL).

Dead letters are put where RabbitMQ puts them (published to the consumer's dead-letter exchange), then
listed, shown and replayed. Outbox rows are written to a migrated members database as the relay leaves
them. The webhook re-send talks RPC to whatever answers as "notifications": nothing, or a version without
``replay_delivery``; against the real service it is tested end to end (tests/e2e/test_notifications_e2e.py).
"""

import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection, Exchange, Producer
from nameko.rpc import rpc
from sqlalchemy import MetaData, insert

from contracts import topology
from servicekit import db, opsctl
from servicekit import topology as broker_topology
from servicekit.deadletters import counts_of
from servicekit.tables import define_kit_tables
from servicekit.testing import start_container


def run(*argv, amqp_uri=None):
    out = io.StringIO()
    args = ["--amqp-uri", amqp_uri, *argv] if amqp_uri else list(argv)
    code = opsctl.main(args, out)
    return code, out.getvalue()


# --- dead letters -----------------------------------------------------------------------------------


@pytest.fixture
def dead_letter(amqp_uri):
    """One event in notifications.members.member_registered.dlq, routed there as the broker dead-letters."""
    subscription = topology.subscription("notifications", "members", "member_registered")
    with Connection(amqp_uri) as connection:
        broker_topology.declare_all(connection, sources=["members"])
        channel = connection.channel()
        for queue in (subscription.queue, subscription.dead_letter_queue):
            channel.queue_purge(queue)
        body = {"event_id": str(uuid.uuid4()), "event_type": "member_registered", "payload": {}}
        Producer(channel, Exchange(topology.dead_letter_exchange("notifications"), type="direct")).publish(
            body, routing_key=subscription.queue, serializer="json", delivery_mode=2
        )
    return subscription, body


def test_dead_letters_are_listed_shown_and_replayed_to_their_queue(amqp_uri, dead_letter):
    subscription, body = dead_letter
    code, listing = run("dead-letters", "list", amqp_uri=amqp_uri)
    assert code == 0
    lines = dict(line.split("\t") for line in listing.splitlines())
    assert lines[subscription.dead_letter_queue] == "1"
    assert set(lines) == {s.dead_letter_queue for s in topology.SUBSCRIPTIONS}

    code, shown = run("dead-letters", "show", subscription.dead_letter_queue, amqp_uri=amqp_uri)
    [item] = [json.loads(line) for line in shown.splitlines()]
    assert code == 0 and item["event_id"] == body["event_id"]
    assert counts_of(amqp_uri, subscription.dead_letter_queue) == 1  # showing takes nothing away

    code, replayed = run("dead-letters", "replay", subscription.dead_letter_queue, amqp_uri=amqp_uri)
    assert (code, replayed.strip()) == (0, f"replayed 1 message(s) from {subscription.dead_letter_queue}")
    assert counts_of(amqp_uri, subscription.dead_letter_queue) == 0
    assert counts_of(amqp_uri, subscription.queue) == 1


# --- outbox backlog ---------------------------------------------------------------------------------


def outbox_table():
    metadata = MetaData()
    define_kit_tables(metadata)
    return metadata.tables["outbox"]


def add_outbox_rows(url, rows):
    engine = db.make_engine(url, pool_size=1)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for age_seconds, published, attempts, error in rows:
            connection.execute(
                insert(outbox_table()).values(
                    event_id=uuid.uuid4(),
                    event_type="member_registered",
                    body="{}",
                    headers="{}",
                    created_at=now - timedelta(seconds=age_seconds),
                    published_at=now if published else None,
                    attempts=attempts,
                    last_error=error,
                )
            )
    engine.dispose()


def backlog_line(output, service):
    [line] = [line for line in output.splitlines() if line.startswith(service)]
    return line.split(None, 4)


def test_outbox_backlog_reads_each_services_database(members_db_url, monkeypatch):
    unroutable = "unroutable: no queue bound for members.events/member_registered"
    add_outbox_rows(members_db_url, [(600, False, 2, unroutable), (30, False, 0, None), (900, True, 1, None)])
    monkeypatch.setenv("MEMBERS_DATABASE_URL", members_db_url)
    code, output = run("outbox-backlog", "members")
    _, backlog, oldest, failing, last_error = backlog_line(output, "members")
    assert (code, backlog, failing, last_error) == (0, "2", "1", unroutable)
    assert 600 <= float(oldest) < 900  # the oldest unsent row, not the older published one


def test_outbox_backlog_says_which_service_it_cannot_read(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDS_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")  # no outbox table
    code, output = run("outbox-backlog", "funds")
    assert code == 1 and "funds" in output and "cannot read its outbox" in output
    assert run("outbox-backlog", "payroll")[0] == opsctl.USAGE


# --- webhook re-send --------------------------------------------------------------------------------


class NotificationsWithoutResend:
    name = "notifications"

    @rpc
    def list_inbox(self, actor, query):
        return []


def test_webhook_resend_when_notifications_is_not_running(amqp_uri, capsys):
    # A notifications service that ran earlier in this session left its RPC queue (durable): without it, as
    # on a broker where the service never ran, the request is unroutable and the tool says so at once.
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        channel.queue_delete("rpc-notifications")
        channel.close()
    code, _ = run("webhook-resend", str(uuid.uuid4()), "--timeout", "5", amqp_uri=amqp_uri)
    assert code == opsctl.UNAVAILABLE and "not running" in capsys.readouterr().err


@pytest.fixture
def notifications(amqp_uri, request):
    container = start_container(request.param, {"AMQP_URI": amqp_uri})
    yield container
    container.stop()


@pytest.mark.parametrize("notifications", [NotificationsWithoutResend], indirect=True)
def test_webhook_resend_says_the_service_cannot_do_it_yet(amqp_uri, notifications, capsys):
    code, _ = run("webhook-resend", str(uuid.uuid4()), "--timeout", "5", amqp_uri=amqp_uri)
    assert code == opsctl.UNAVAILABLE and "no replay_delivery RPC" in capsys.readouterr().err


# The real service's answer (a dead delivery sent again, an unknown one refused) is tested end to end:
# tests/e2e/test_notifications_e2e.py::test_an_operator_resends_a_dead_webhook_with_opsctl
