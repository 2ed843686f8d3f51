"""Declaring the broker topology of ``contracts.topology`` (exchanges, quorum queues, dead-letter queues).

Every service declares all of it when it starts (declaring is idempotent when the arguments agree), so
no event is ever published before its consumers' queues exist.
"""

from amqp.exceptions import NotFound
from kombu import Connection, Exchange, Queue

from contracts import topology


def event_exchange(source):
    return Exchange(topology.event_exchange(source), type="topic", durable=True)


def consumer_queue(subscription):
    return Queue(
        subscription.queue,
        exchange=event_exchange(subscription.source),
        routing_key=subscription.event_type,
        durable=True,
        queue_arguments=topology.queue_arguments(subscription),
    )


def dead_letter_queue(subscription):
    dlx = Exchange(topology.dead_letter_exchange(subscription.consumer), type="direct", durable=True)
    return Queue(
        subscription.dead_letter_queue,
        exchange=dlx,
        routing_key=subscription.queue,
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )


def declare_subscription(channel, subscription):
    event_exchange(subscription.source)(channel).declare()
    dead_letter_queue(subscription)(channel).declare()
    consumer_queue(subscription)(channel).declare()


def declare_all(connection, sources=(), subscriptions=topology.SUBSCRIPTIONS):
    """Declare the exchanges of ``sources`` and every subscription; ``connection`` is a kombu Connection."""
    channel = connection.channel()
    try:
        for source in sources:
            event_exchange(source)(channel).declare()
        for subscription in subscriptions:
            declare_subscription(channel, subscription)
    finally:
        channel.close()


# What this process has declared on each broker URI. Every handler of a service, and its outbox relay, used to
# open a connection of their own at start and declare, all at once: notifications alone opened twenty and
# declared the whole topology several times over. On a new vhost that burst of quorum-queue creations kept
# the broker from answering new connections for seconds (CI: connection timeouts at container start). Now
# each skips what this process already declared on that URI (the relay, starting after the handlers' set-up,
# declares only the rest); no lock: two that race both declare, which is harmless (a lock here once left every
# green thread of a test process waiting). Queues are durable and never deleted behind a service's back.
_declared = set()
CONNECT_TIMEOUT_SECONDS = 30


def ensure_declared(amqp_uri, sources=(), subscriptions=()):
    """Declare the exchanges of ``sources`` and ``subscriptions`` unless this process already did on ``amqp_uri``."""
    missing_sources = [s for s in sources if (amqp_uri, "exchange", s) not in _declared]
    missing = [s for s in subscriptions if (amqp_uri, "queue", s.queue) not in _declared]
    if not (missing_sources or missing):
        return 0
    with Connection(amqp_uri, connect_timeout=CONNECT_TIMEOUT_SECONDS) as connection:
        declare_all(connection, sources=missing_sources, subscriptions=missing)
    _declared.update((amqp_uri, "exchange", s) for s in missing_sources)
    _declared.update((amqp_uri, "queue", s.queue) for s in missing)
    return len(missing_sources) + len(missing)


def purge_all(connection, subscriptions=topology.SUBSCRIPTIONS):
    """Empty every consumer queue and dead-letter queue of ``subscriptions`` that exists; returns how many
    messages were dropped. For development resets only: it throws events away."""
    dropped = 0
    for subscription in subscriptions:
        for queue in (subscription.queue, subscription.dead_letter_queue):
            channel = connection.channel()
            try:
                dropped += channel.queue_purge(queue) or 0
            except NotFound:  # a queue never declared has nothing to purge (and the error closed the channel)
                pass
            finally:
                if channel.is_open:
                    channel.close()
    return dropped


def main(argv=None):
    """``python -m servicekit.topology declare|purge`` against ``AMQP_URI`` (``make run --reset`` purges)."""
    import argparse
    import os

    from kombu import Connection

    parser = argparse.ArgumentParser(prog="python -m servicekit.topology")
    parser.add_argument("command", choices=["declare", "purge"])
    args = parser.parse_args(argv)
    with Connection(os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//"), connect_timeout=5) as conn:
        if args.command == "declare":
            declare_all(conn, sources=sorted({s.source for s in topology.SUBSCRIPTIONS}))
            print(f"declared {len(topology.SUBSCRIPTIONS)} subscriptions")
        else:
            print(f"purged {purge_all(conn)} message(s) from the platform's queues")


if __name__ == "__main__":
    main()
