"""Dead letters, for the operator: list them, look at them, replay them once the consumer is fixed.

    python -m servicekit.deadletters list                      # every dead-letter queue of contracts.topology
    python -m servicekit.deadletters show QUEUE.dlq [--limit 20]
    python -m servicekit.deadletters replay QUEUE.dlq [--limit N]

``AMQP_URI`` names the broker (default the local one). ``show`` puts the messages back; ``replay`` moves
them to the consumer queue they died in (publisher confirms first, then the ack: a crash in between
replays a message twice, which the consumer's inbox absorbs, and never loses one).
"""

import argparse
import json
import os
import sys

from amqp import Message
from kombu import Connection

from contracts import topology
from servicekit.logs import mask

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"


def counts(connection, queues):
    channel = connection.channel()
    result = {}
    for queue in queues:
        try:
            result[queue] = channel.queue_declare(queue, passive=True).message_count
        except Exception:  # a queue not declared yet has no dead letters (and the error closed the channel)
            channel = connection.channel()
            result[queue] = None
    return result


def peek(connection, queue, limit):
    """Up to ``limit`` dead letters as dicts; they stay in the queue."""
    channel = connection.channel()
    seen = []
    try:
        while len(seen) < limit and (message := channel.basic_get(queue, no_ack=False)) is not None:
            seen.append(_describe(message))
    finally:
        channel.close()  # unacknowledged messages return to the queue
    return seen


def replay(connection, queue, limit=None):
    """Move up to ``limit`` messages from a dead-letter queue back to their consumer queue."""
    channel = connection.channel()
    channel.confirm_select()
    moved = 0
    while (limit is None or moved < limit) and (message := channel.basic_get(queue, no_ack=False)) is not None:
        target = _origin(message, queue)
        headers = {k: v for k, v in (message.properties.get("application_headers") or {}).items() if k != "x-death"}
        properties = {k: v for k, v in message.properties.items() if k != "application_headers"}
        channel.basic_publish_confirm(Message(message.body, application_headers=headers, **properties), "", target)
        channel.basic_ack(message.delivery_tag)
        moved += 1
    channel.close()
    return moved


def _origin(message, dlq):
    deaths = (message.properties.get("application_headers") or {}).get("x-death") or []
    return deaths[0]["queue"] if deaths else dlq.removesuffix(".dlq")


def _describe(message):
    headers = message.properties.get("application_headers") or {}
    deaths = headers.get("x-death") or [{}]
    try:
        body = json.loads(message.body)
    except (TypeError, ValueError):
        body = {}
    return {
        "event_id": body.get("event_id"),
        "event_type": body.get("event_type"),
        "reason": deaths[0].get("reason"),
        "queue": deaths[0].get("queue"),
        "count": deaths[0].get("count"),
        "body": mask(message.body if isinstance(message.body, str) else message.body.decode("utf-8", "replace"))[:500],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m servicekit.deadletters")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    for name in ("show", "replay"):
        command = commands.add_parser(name)
        command.add_argument("queue")
        command.add_argument("--limit", type=int, default=20 if name == "show" else None)
    args = parser.parse_args(argv)
    with Connection(os.environ.get("AMQP_URI", DEFAULT_AMQP_URI), connect_timeout=5) as connection:
        if args.command == "list":
            for queue, count in counts(connection, [s.dead_letter_queue for s in topology.SUBSCRIPTIONS]).items():
                print(f"{queue}\t{'not declared' if count is None else count}")
        elif args.command == "show":
            for item in peek(connection, args.queue, args.limit):
                print(json.dumps(item, ensure_ascii=False))
        else:
            print(f"replayed {replay(connection, args.queue, args.limit)} message(s) from {args.queue}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def counts_of(amqp_uri, queue):
    """How many messages wait in one queue (a convenience for scripts and tests)."""
    with Connection(amqp_uri, connect_timeout=5) as connection:
        return counts(connection, [queue])[queue]
