# ruff: noqa: E402 (the warnings filter must come before the imports below)
"""The operator's command-line tool: dead letters, outbox backlogs, webhook re-sends.

    python -m servicekit.opsctl dead-letters list                     # every dead-letter queue, with counts
    python -m servicekit.opsctl dead-letters show QUEUE.dlq [--limit 20]
    python -m servicekit.opsctl dead-letters replay QUEUE.dlq [--limit N]
    python -m servicekit.opsctl outbox-backlog [SERVICE ...]           # default: every service configured
    python -m servicekit.opsctl webhook-resend DELIVERY_ID [--timeout 10]

Run it with ``PYTHONPATH=services/shared`` (locally), or inside a service's container, where its
configuration is already in the environment: ``khuyenhoc-entrypoint opsctl ...`` (the image's entrypoint),
``kubectl exec deploy/members -- khuyenhoc-entrypoint opsctl outbox-backlog members``.

- ``dead-letters`` is servicekit.deadletters (``show`` puts the messages back; ``replay`` moves them to
  the queue they died in, confirmed before acked). Broker: ``AMQP_URI`` or ``--amqp-uri``.
- ``outbox-backlog`` reads each service's own database (``<SERVICE>_DATABASE_URL``, else the local
  ``var/data/<service>.db`` of ``make run`` when it exists), not its ``/metrics``: the backlog matters
  most when the service is down, and then its ``/metrics`` does not answer. It shows the rows not yet
  published, the age of the oldest, and the rows the relay failed to publish with their last error.
- ``webhook-resend`` asks the notifications service, over RPC, to deliver a webhook again
  (``notifications.replay_delivery(delivery_id)``). A request nobody picks up within ``--timeout`` expires
  in the broker, so it never runs after the operator gave up.

Exit status: 0 done, 1 the request failed (see the message), 2 the service cannot do it now (not
running, or this version has no such RPC), 64 wrong usage.
"""

import argparse
import json
import logging
import os
import sys
import warnings
from pathlib import Path

# Before anything imports eventlet (servicekit.logs does): its deprecation notice, RELIABILITY.md fact 1.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from kombu import Connection
from sqlalchemy import MetaData, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from contracts import topology
from servicekit import db, deadletters, outbox
from servicekit.tables import define_kit_tables

DEFAULT_AMQP_URI = deadletters.DEFAULT_AMQP_URI
SERVICES_WITH_OUTBOX = ("members", "funds", "evaluations", "notifications")
REPO = Path(__file__).resolve().parents[3]
DONE, FAILED, UNAVAILABLE, USAGE = 0, 1, 2, 64
RESEND_METHOD = "replay_delivery"


# --- dead letters -----------------------------------------------------------------------------------


def dead_letters(args, out):
    with Connection(args.amqp_uri, connect_timeout=5) as connection:
        if args.action == "list":
            queues = [s.dead_letter_queue for s in topology.SUBSCRIPTIONS]
            for queue, count in deadletters.counts(connection, queues).items():
                print(f"{queue}\t{'not declared' if count is None else count}", file=out)
        elif args.action == "show":
            for item in deadletters.peek(connection, args.queue, args.limit or 20):
                print(json.dumps(item, ensure_ascii=False), file=out)
        else:
            moved = deadletters.replay(connection, args.queue, args.limit)
            print(f"replayed {moved} message(s) from {args.queue}", file=out)
    return DONE


# --- outbox backlog ---------------------------------------------------------------------------------


def database_url(service, environ=os.environ):
    """The service's database as the service itself is configured, or None."""
    url = environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    local = REPO / "var" / "data" / f"{service}.db"
    return f"sqlite:///{local}" if local.is_file() else None


def outbox_state(url):
    """``{"backlog", "oldest_age_seconds", "failing", "last_error"}`` of the outbox in the database at ``url``."""
    table = _outbox_table()
    engine = db.make_engine(url, pool_size=1)
    try:
        factory = sessionmaker(engine)
        count, age = outbox.backlog(factory, table)
        unsent = table.c.published_at.is_(None)
        with factory() as session:
            failing = session.execute(select(func.count()).where(unsent, table.c.attempts > 0)).scalar_one()
            last_error = session.execute(
                select(table.c.last_error).where(unsent, table.c.last_error.is_not(None)).order_by(table.c.id.desc())
            ).scalar()
    finally:
        engine.dispose()
    return {"backlog": count, "oldest_age_seconds": round(age, 1), "failing": failing, "last_error": last_error}


def _outbox_table():
    metadata = MetaData()
    define_kit_tables(metadata)
    return metadata.tables["outbox"]


def outbox_backlog(args, out):
    services = args.services or list(SERVICES_WITH_OUTBOX)
    unknown = sorted(set(services) - set(SERVICES_WITH_OUTBOX))
    if unknown:
        print(f"no outbox in: {', '.join(unknown)} (services: {', '.join(SERVICES_WITH_OUTBOX)})", file=sys.stderr)
        return USAGE
    status = DONE
    print(f"{'service':<15}{'backlog':>9}{'oldest (s)':>12}{'failing':>9}  last error", file=out)
    for service in services:
        url = database_url(service)
        if url is None:
            print(f"{service:<15}  not configured: set {service.upper()}_DATABASE_URL", file=out)
            continue
        try:
            state = outbox_state(url)
        except SQLAlchemyError as error:
            print(f"{service:<15}  cannot read its outbox: {type(error).__name__}: {error.orig or error}", file=out)
            status = FAILED
            continue
        print(
            f"{service:<15}{state['backlog']:>9}{state['oldest_age_seconds']:>12}{state['failing']:>9}"
            f"  {state['last_error'] or '-'}",
            file=out,
        )
    return status


# --- webhook re-send --------------------------------------------------------------------------------


def resend_webhook(amqp_uri, delivery_id, timeout):
    """Call ``notifications.replay_delivery(delivery_id)``; returns its answer. Raises what the call raised."""
    from nameko.rpc import ServiceProxy
    from nameko.standalone.rpc import ClusterRpcProxy

    cluster = ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=timeout)
    cluster.start()
    try:
        # ClusterRpcProxy takes no publish options: build the service proxy it would, with an expiration,
        # so a request nobody consumed before the deadline is dropped by the broker (RELIABILITY.md, fact 7).
        notifications = ServiceProxy(cluster._worker_ctx, "notifications", cluster._reply_listener, expiration=timeout)
        return getattr(notifications, RESEND_METHOD)(delivery_id)
    finally:
        cluster.stop()


def webhook_resend(args, out):
    from nameko.exceptions import MethodNotFound, RemoteError, RpcTimeout, UnknownService

    try:
        result = resend_webhook(args.amqp_uri, args.delivery_id, args.timeout)
    except UnknownService:
        print("the notifications service is not running (no process consumes its RPC queue)", file=sys.stderr)
        return UNAVAILABLE
    except RpcTimeout:
        print(
            f"notifications did not answer within {args.timeout:g} s; the request expired unanswered and will not "
            "run later. Is the service up (its /readyz)?",
            file=sys.stderr,
        )
        return UNAVAILABLE
    except (MethodNotFound, RemoteError) as error:
        if isinstance(error, MethodNotFound) or getattr(error, "exc_type", None) == "MethodNotFound":
            print(
                f"this version of the notifications service has no {RESEND_METHOD} RPC: it cannot re-send a "
                "webhook delivery from the command line. An administrator can replay it through the API.",
                file=sys.stderr,
            )
            return UNAVAILABLE
        print(f"notifications refused: {error}", file=sys.stderr)
        return FAILED
    except Exception as error:  # a PlatformError the service raised (registered for RPC): its code and message
        code = getattr(error, "code", type(error).__name__)
        print(f"notifications refused: {code}: {error}", file=sys.stderr)
        return FAILED
    print(json.dumps(result, ensure_ascii=False, default=str), file=out)
    return DONE


# --- command line -----------------------------------------------------------------------------------


def parser():
    root = argparse.ArgumentParser(prog="python -m servicekit.opsctl", description=__doc__.split("\n\n")[0])
    root.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI), help="default: AMQP_URI")
    commands = root.add_subparsers(dest="command", required=True)

    letters = commands.add_parser("dead-letters", help="list, show or replay dead letters")
    actions = letters.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every dead-letter queue of contracts/topology.py and its count")
    for name, text in (("show", "look at messages (they stay)"), ("replay", "move them back to their queue")):
        action = actions.add_parser(name, help=text)
        action.add_argument("queue", help="a dead-letter queue, e.g. notifications.members.member_registered.dlq")
        action.add_argument("--limit", type=int, default=None, help="at most this many (show: 20)")
    letters.set_defaults(run=dead_letters)

    backlog = commands.add_parser("outbox-backlog", help="events not yet published, per service")
    backlog.add_argument("services", nargs="*", metavar="SERVICE", help=", ".join(SERVICES_WITH_OUTBOX))
    backlog.set_defaults(run=outbox_backlog)

    resend = commands.add_parser("webhook-resend", help="deliver a webhook again (notifications service)")
    resend.add_argument("delivery_id")
    resend.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the answer (10)")
    resend.set_defaults(run=webhook_resend)
    return root


def main(argv=None, out=None):
    args = parser().parse_args(argv)
    logging.getLogger("amqp").setLevel(logging.ERROR)  # not the library's notes on closing channels
    return args.run(args, out or sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
