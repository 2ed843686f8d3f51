"""Load test: a registration campaign against the running platform, bounded in time, ending by counting.

    python tests/load/campaign.py [--seconds 180] [--clients 16] [--out FILE]

It starts every service and the gateway as ``make run`` does (``nameko run``, one process each) on fresh
PostgreSQL databases (the server of ``TEST_POSTGRES_URL``) and a RabbitMQ vhost of their own (the broker
of ``AMQP_URI``), then ``--clients`` green-thread clients register members for ``--seconds`` (and record
some donations, register some members for the Công dân học tập title and submit their self-assessments),
each request with an Idempotency-Key and retried with it until acknowledged. It passes when no answer
other than success or 429 reached a client and the platform reconciles exactly (tests/faults/harness.py:
every acknowledged request once in its database, every event once in every consumer, every ledger account
equal to its postings). Prints requests, acknowledgements, rate, p50/p99 and the counts; writes them as
JSON (default ``var/load/load-<time>.json``). ``LOAD_SECONDS`` and ``LOAD_CLIENTS`` set the defaults
(CI runs it with a small budget).
"""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
for folder in ("services/shared", "services/members", "services/funds", "services/evaluations",
               "services/notifications", "gateway", "."):  # fmt: skip
    sys.path.insert(0, str(REPO / folder))

from sqlalchemy import create_engine  # noqa: E402

from servicekit.testing import create_database, drop_database, url_for  # noqa: E402
from tests.faults import harness  # noqa: E402

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"
DEFAULT_POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/khuyenhoc_test"
CAMPAIGN_MIX = (("register", 70), ("donate", 15), ("evaluate", 10), ("assess", 5))


def _rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tests/load/campaign.py")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", 180)))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("LOAD_CLIENTS", 16)))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    from urllib.parse import urlsplit, urlunsplit

    base = urlsplit(os.environ.get("AMQP_URI", DEFAULT_AMQP_URI))
    vhost = f"load-{uuid.uuid4().hex[:8]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, base.username or "guest", ".*", ".*", ".*")
    amqp_uri = urlunsplit(base._replace(path=f"/{vhost}"))
    postgres = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    admin = create_engine(url_for(postgres, "postgres"), isolation_level="AUTOCOMMIT")
    names = {service: f"load_{service}_{uuid.uuid4().hex[:6]}" for service in harness.SERVICES}
    for name in names.values():
        create_database(admin, name)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stack = harness.Stack(amqp_uri, {s: url_for(postgres, n) for s, n in names.items()}, REPO / "var" / "load" / stamp,
                          rpc_timeout=10)  # fmt: skip
    try:
        print(f"load: migrating and starting the platform (logs in {stack.logs})", flush=True)
        stack.migrate()
        stack.start()
        stack.wait_ready()
        token, fund_id, year = harness.prepare(stack)
        ledger = harness.Ledger()
        traffic = harness.Traffic(stack.base_url, token, fund_id, year, ledger, clients=args.clients,
                                  mix=CAMPAIGN_MIX)  # fmt: skip
        print(f"load: {args.clients} clients for {args.seconds:g} s", flush=True)
        started = time.monotonic()
        traffic.start()
        eventlet.sleep(args.seconds)
        traffic.stop()
        elapsed = time.monotonic() - started
        summary = ledger.summary()
        summary["seconds"] = round(elapsed, 1)
        summary["rate_per_second"] = round(ledger.acknowledged / elapsed, 1)
        problems = []
        refused = [r for r in ledger.refused if r[1] != 429]
        if refused:
            problems.append(f"{len(refused)} requests refused: {refused[:5]}")
        if ledger.unacknowledged:
            problems.append(f"{len(ledger.unacknowledged)} requests never acknowledged")
        try:
            counts = harness.reconcile(stack.db_urls, ledger, amqp_uri)
        except AssertionError as error:
            counts = harness.snapshot(stack.db_urls, ledger, amqp_uri)[0]
            problems.append(str(error))
        result = {"finished_at": datetime.now(UTC).isoformat(), "clients": args.clients, "client": summary,
                  "counts": counts, "problems": problems, "passed": not problems}  # fmt: skip
        _report(result, args.out or REPO / "var" / "load" / f"load-{stamp}.json")
        return 0 if not problems else 1
    finally:
        stack.stop()
        for name in names.values():
            drop_database(admin, name)
        admin.dispose()
        _rabbitmqctl("delete_vhost", vhost)


def _report(result, path):
    summary, counts = result["client"], result["counts"]
    print(f"load: {summary['requests']} requests, {summary['attempts']} sent, {summary['acknowledged']} acknowledged "
          f"in {summary['seconds']} s = {summary['rate_per_second']}/s; p50 {summary['p50_ms']} ms, "
          f"p99 {summary['p99_ms']} ms; answers {summary['statuses']}")  # fmt: skip
    print(f"load: registrations {summary['registrations']}, donations {summary['donations']}, evaluations "
          f"{summary['evaluations']}, self-assessments {summary['self_assessments']}")  # fmt: skip
    print(f"load: reconciled: {json.dumps(counts, default=str)}")
    for problem in result["problems"]:
        print(f"load: PROBLEM: {problem}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print(f"load: {'PASSED' if result['passed'] else 'FAILED'}; figures in {path}")


if __name__ == "__main__":
    sys.exit(main())
