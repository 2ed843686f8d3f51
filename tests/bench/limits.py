"""The machine's raw limits, measured in the same run as the platform's figures (``make bench``).

    python tests/bench/limits.py insert POSTGRES_URL [--connections 8] [--seconds 5]
    python tests/bench/limits.py copy POSTGRES_URL [--rows 200000]
    python tests/bench/limits.py amqp AMQP_URI [--messages 50000] [--batch 1000]

Each prints one JSON object on stdout. The figures are what ../shared/PERFORMANCE.md calls the raw
limits: single-row INSERT commits from several connections, COPY rows, and persistent publishes with
confirms batched plus consumes with an ack each through a quorum queue. No eventlet here: plain
threads and processes, so that the figures are the libraries' own and not the green hub's.
"""

import argparse
import io
import json
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit

TABLE = """CREATE TABLE IF NOT EXISTS {name} (
    id uuid PRIMARY KEY, cccd varchar(12) UNIQUE NOT NULL, full_name varchar(200) NOT NULL,
    unit_code varchar(20) NOT NULL, unit_path varchar(200) NOT NULL, join_date date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())"""


def _dsn(url):
    """A SQLAlchemy URL (postgresql+psycopg2://...) as a libpq one."""
    return url.replace("postgresql+psycopg2://", "postgresql://", 1)


def _row(n):
    return (str(uuid.uuid4()), f"{n:012d}", "Nguyễn Văn Bench", "00070", "/VN/01/00070/", "2026-01-01")


def insert_commits(url, connections, seconds):
    """Single-row INSERTs, one commit each, from ``connections`` threads (psycopg2 releases the GIL)."""
    import psycopg2

    name = f"bench_insert_{uuid.uuid4().hex[:8]}"
    with psycopg2.connect(_dsn(url)) as setup:
        setup.cursor().execute(TABLE.format(name=name))
    counts = [0] * connections
    stop = time.monotonic() + seconds

    def work(index):
        connection = psycopg2.connect(_dsn(url))
        cursor = connection.cursor()
        n = index * 100_000_000
        while time.monotonic() < stop:
            n += 1
            cursor.execute(f"INSERT INTO {name} (id, cccd, full_name, unit_code, unit_path, join_date) "  # noqa: S608
                           "VALUES (%s, %s, %s, %s, %s, %s)", _row(n))
            connection.commit()
            counts[index] += 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    _drop(url, name)
    return {"limit": "insert_commits", "connections": connections, "per_second": sum(counts) / elapsed}


def copy_rows(url, rows):
    """COPY of ``rows`` member-like rows into a fresh table, one transaction."""
    import psycopg2

    name = f"bench_copy_{uuid.uuid4().hex[:8]}"
    buffer = io.StringIO("".join("\t".join(_row(n)) + "\n" for n in range(rows)))
    connection = psycopg2.connect(_dsn(url))
    try:
        cursor = connection.cursor()
        cursor.execute(TABLE.format(name=name))
        connection.commit()
        started = time.monotonic()
        cursor.copy_expert(f"COPY {name} (id, cccd, full_name, unit_code, unit_path, join_date) FROM STDIN", buffer)
        connection.commit()
        elapsed = time.monotonic() - started
    finally:
        connection.close()
    _drop(url, name)
    return {"limit": "copy_rows", "rows": rows, "per_second": rows / elapsed}


def _drop(url, name):
    import psycopg2

    with psycopg2.connect(_dsn(url)) as connection:
        connection.cursor().execute(f"DROP TABLE IF EXISTS {name}")


# --- RabbitMQ ----------------------------------------------------------------------------------------


def _amqp_connection(uri):
    import amqp

    parts = urlsplit(uri.replace("pyamqp://", "amqp://", 1))
    vhost = parts.path[1:] or "/"
    connection = amqp.Connection(
        host=f"{parts.hostname}:{parts.port or 5672}", userid=parts.username or "guest",
        password=parts.password or "guest", virtual_host=vhost,
    )
    connection.connect()
    return connection


def publish_and_consume(uri, messages, batch):
    """Persistent publishes, confirms waited for per batch, into a quorum queue that a second process
    consumes with an ack per message (prefetch 100): messages per second from first publish to last ack."""
    queue = f"bench.raw.{uuid.uuid4().hex[:8]}"
    connection = _amqp_connection(uri)
    channel = connection.channel()
    channel.queue_declare(queue, durable=True, auto_delete=False, arguments={"x-queue-type": "quorum"})
    consumer = subprocess.Popen(
        [sys.executable, __file__, "amqp-consume", uri, "--queue", queue, "--messages", str(messages)],
        stdout=subprocess.PIPE, text=True,
    )
    time.sleep(1.0)  # the consumer is connected and waiting
    channel.confirm_select()
    acked = [0]
    channel.events["basic_ack"].add(lambda delivery_tag, multiple: acked.__setitem__(0, delivery_tag))
    import amqp

    body = json.dumps({"event_type": "member_registered", "payload": {"member_id": str(uuid.uuid4())}})
    started = time.monotonic()
    sent = 0
    while sent < messages:
        size = min(batch, messages - sent)
        for _ in range(size):
            channel.basic_publish(amqp.Message(body, delivery_mode=2, content_type="application/json"),
                                  exchange="", routing_key=queue)
        sent += size
        while acked[0] < sent:
            connection.drain_events(timeout=30)
    published = time.monotonic() - started
    consumer_result = json.loads(consumer.communicate(timeout=300)[0])
    elapsed = consumer_result["finished_at"] - started
    channel.queue_delete(queue)
    connection.close()
    return {
        "limit": "publish_confirmed_and_consume",
        "messages": messages,
        "batch": batch,
        "publish_per_second": messages / published,
        "per_second": messages / elapsed,
    }


def consume(uri, queue, messages):
    connection = _amqp_connection(uri)
    channel = connection.channel()
    channel.basic_qos(0, 100, False)
    received = [0]

    def on_message(message):
        channel.basic_ack(message.delivery_tag)
        received[0] += 1

    channel.basic_consume(queue, callback=on_message)
    while received[0] < messages:
        connection.drain_events(timeout=60)
    finished = time.monotonic()  # CLOCK_MONOTONIC is system-wide on Linux: comparable across processes
    connection.close()
    return {"received": received[0], "finished_at": finished}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="limits.py")
    commands = parser.add_subparsers(dest="command", required=True)
    insert = commands.add_parser("insert")
    insert.add_argument("url")
    insert.add_argument("--connections", type=int, default=8)
    insert.add_argument("--seconds", type=float, default=5)
    copy = commands.add_parser("copy")
    copy.add_argument("url")
    copy.add_argument("--rows", type=int, default=200_000)
    publish = commands.add_parser("amqp")
    publish.add_argument("uri")
    publish.add_argument("--messages", type=int, default=50_000)
    publish.add_argument("--batch", type=int, default=1000)
    consumer = commands.add_parser("amqp-consume")
    consumer.add_argument("uri")
    consumer.add_argument("--queue", required=True)
    consumer.add_argument("--messages", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "insert":
        result = insert_commits(args.url, args.connections, args.seconds)
    elif args.command == "copy":
        result = copy_rows(args.url, args.rows)
    elif args.command == "amqp":
        result = publish_and_consume(args.uri, args.messages, args.batch)
    else:
        result = consume(args.uri, args.queue, args.messages)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
