"""Benchmarks: figures as ratios against limits measured in the same run (``make bench``).

    python tests/bench/run.py [--seconds 20] [--clients 32] [--postgres URL] [--out FILE]

It starts the members service and the gateway as ``make run`` does (``nameko run``, one process each)
on a fresh PostgreSQL database and a RabbitMQ vhost of their own, then drives them over HTTP from
``--clients`` green threads (a light client, so that it takes little of the two cores):

- ``ping``: ``GET /api/v1/ping``, a token check and one no-op RPC to members: the framework's ceiling;
- ``register``: ``POST /api/v1/members``, a whole registration (checks, card number, membership, consent,
  outbox row, commit) and its event relayed with confirms;

after measuring the machine's raw limits in the same run (``limits.py``: single-row INSERT commits from 8
connections, COPY rows, persistent publishes with batched confirms plus consumes with acks), and prints
requests per second, p50 and p99 latency, CPU seconds per request of each process (gateway,
members, RabbitMQ, PostgreSQL, this client), and registrations as a ratio of pings. Results also go to
a JSON file (default ``var/bench/bench-<time>.json``) so that runs can be compared. Absolute figures
drift between machines and runs; the ratio is what to compare.
"""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
for folder in ("services/shared", "services/members", "gateway"):
    sys.path.insert(0, str(REPO / folder))

from sqlalchemy import create_engine  # noqa: E402

from members import manage  # noqa: E402
from servicekit.testing import Process, create_database, free_port, url_for  # noqa: E402

NAMEKO = str(Path(sys.executable).with_name("nameko"))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # utime, stime, and cutime, cstime: the time of children that exited and were waited for, so
            # that PostgreSQL backends that end during a measurement still count (in the postmaster's)
            total += sum(int(value) for value in fields[11:15])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / CLOCK_TICKS


def pids_of(name):
    out = subprocess.run(["pgrep", "-f", name], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


class Stack:
    def __init__(self, amqp_uri, postgres_url, logs):
        self.amqp_uri, self.logs = amqp_uri, logs
        admin_url = url_for(postgres_url, "postgres")
        self.db_url = url_for(postgres_url, f"khuyenhoc_bench_{uuid.uuid4().hex[:6]}")
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.db_name = self.db_url.rsplit("/", 1)[1]
        create_database(self.admin, self.db_name)
        manage.migrate(self.db_url)
        self.processes = []

    def start(self):
        pythonpath = os.pathsep.join(str(REPO / p) for p in ("services/shared", "services/members", "gateway"))
        self.pythonpath = pythonpath
        env = dict(os.environ, PYTHONPATH=pythonpath, AMQP_URI=self.amqp_uri, LOG_LEVEL="WARNING")
        members_port, self.gateway_port = free_port(), free_port()
        members_env = dict(env, MEMBERS_DATABASE_URL=self.db_url, MEMBERS_WEB_ADDRESS=f"127.0.0.1:{members_port}")
        gateway_env = dict(env, GATEWAY_WEB_ADDRESS=f"127.0.0.1:{self.gateway_port}")
        for name, config, module, process_env, port in (
            ("members", "services/members/config.yml", "members.service:MembersService", members_env, members_port),
            ("gateway", "gateway/config.yml", "gateway.service:GatewayService", gateway_env, self.gateway_port),
        ):
            args = [NAMEKO, "run", "--config", config, module]
            process = Process(name, args, process_env, port, self.logs / f"{name}.log", cwd=REPO)
            self.processes.append(process.wait_healthy())
        manage.create_officer(
            self.db_url, "bench.officer", "OFFICER", "00070", "Cán bộ đo hiệu năng", "bench-password-1"
        )

    def pids(self):
        return {
            "gateway": [self.processes[1].popen.pid],
            "members": [self.processes[0].popen.pid],
            "rabbitmq": pids_of("beam.smp"),
            "postgres": pids_of("postgres"),
            "client": [os.getpid()],
        }

    def stop(self):
        for process in self.processes:
            process.stop()
        self.admin.dispose()


def login(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": "bench.officer", "password": "bench-password-1"})
    connection.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    return json.loads(connection.getresponse().read())["access_token"]


_serial = itertools.count(1)


def registration_body():
    n = next(_serial)
    return json.dumps(
        {
            "cccd": f"001090{n:06d}",
            "full_name": "Nguyễn Văn Đo",
            "gender": "MALE",
            "birth_year": 1990,
            "phone": "0912345678",
            "unit_code": "00070",
            "consent": {"given": True, "channel": "PAPER_FORM"},
        }
    )


def drive(port, token, request, seconds, clients):
    """Run ``request(connection)`` in ``clients`` green threads for ``seconds``; latencies and errors."""
    latencies, errors = [], []
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status = request(connection, token)
            latencies.append(time.perf_counter() - started)
            if status >= 400:
                errors.append(status)

    pool = eventlet.GreenPool(clients)
    for _ in range(clients):
        pool.spawn(client)
    pool.waitall()
    return latencies, errors


def ping(connection, token):
    connection.request("GET", "/api/v1/ping", headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    response.read()
    return response.status


def register(connection, token):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection.request("POST", "/api/v1/members", registration_body(), headers)
    response = connection.getresponse()
    response.read()
    return response.status


def measure(stack, name, request, seconds, clients):
    token = login(stack.gateway_port)
    drive(stack.gateway_port, token, request, min(3, seconds), clients)  # warm up
    pids = stack.pids()
    before = {k: cpu_seconds(v) for k, v in pids.items()}
    started = time.monotonic()
    latencies, errors = drive(stack.gateway_port, token, request, seconds, clients)
    elapsed = time.monotonic() - started
    cpu = {k: cpu_seconds(v) - before[k] for k, v in pids.items()}
    latencies.sort()
    count = len(latencies)
    return {
        "name": name,
        "requests": count,
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "per_second": round(count / elapsed, 1),
        "p50_ms": round(latencies[count // 2] * 1000, 2),
        "p99_ms": round(latencies[int(count * 0.99)] * 1000, 2),
        "cpu_ms_per_request": {k: round(v * 1000 / count, 3) for k, v in cpu.items()},
    }


def vhost_uri(base):
    vhost = f"bench-{uuid.uuid4().hex[:6]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True, capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True)
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{vhost}")), vhost


def main():
    parser = argparse.ArgumentParser(prog="python tests/bench/run.py")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--events", type=int, default=20_000, help="events through the pipeline measurement")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    amqp_uri, vhost = vhost_uri(os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//"))
    logs = REPO / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    stack = Stack(amqp_uri, args.postgres, logs)
    try:
        limits = raw_limits(args.postgres, amqp_uri)
        stack.start()
        results = [
            measure(stack, n, r, args.seconds, args.clients) for n, r in (("ping", ping), ("register", register))
        ]
        pipeline = measure_pipeline(stack, args.events)
    finally:
        stack.stop()
        from servicekit.testing import drop_database

        drop_database(stack.admin, stack.db_name)
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False, capture_output=True)
    report(results, limits, pipeline, args)


def measure_pipeline(stack, events):
    """Events per second from the members outbox to a consumer that claims each one (``pipeline_consumer``).

    ``events`` member_registered rows are written to the outbox of the running members service in one
    transaction; the clock runs from that commit until the consumer's inbox holds them all: the relay's
    batches with confirms, the broker's quorum queue, the consumer's claim and ack.
    """
    from contracts.envelope import make_event
    from servicekit import db
    from servicekit.testing import kit_only_metadata, wait_for

    sink_name = f"{stack.db_name}_sink"
    create_database(stack.admin, sink_name)
    sink_url = url_for(stack.db_url, sink_name)
    sink_engine = db.make_engine(sink_url, pool_size=1)
    kit_only_metadata().create_all(sink_engine)
    config = stack.logs / "pipeline_sink.yml"
    port = free_port()
    config.write_text(
        f"AMQP_URI: '{stack.amqp_uri}'\nWEB_SERVER_ADDRESS: '127.0.0.1:{port}'\nDATABASE_URL: '{sink_url}'\n"
        "max_workers: 10\nDB_POOL_SIZE: 10\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([stack.pythonpath, str(Path(__file__).parent)]))
    args = [NAMEKO, "run", "--config", str(config), "pipeline_consumer:PipelineSink"]
    sink = Process("benchsink", args, env, port, stack.logs / "benchsink.log", cwd=REPO).wait_healthy()
    try:
        bodies = [
            make_event(
                "member_registered",
                {"member_id": uuid.uuid4(), "member_version": 1, "unit_code": "00070",
                 "unit_path": "/VN/01/00070/", "join_date": date(2026, 1, 1)},
                "members",
            )
            for _ in range(events)
        ]
        members_engine = db.make_engine(stack.db_url, pool_size=1)
        outbox = manage.metadata.tables["outbox"]
        rows = [
            {"event_id": e.event_id, "event_type": e.event_type, "body": json.dumps(e.to_message()),
             "headers": "{}", "created_at": datetime.now(UTC)}
            for e in bodies
        ]
        inbox = kit_only_metadata().tables["inbox"]
        from sqlalchemy import func, select

        def claimed():
            with sink_engine.connect() as connection:
                return connection.execute(select(func.count()).select_from(inbox)).scalar_one()

        pids = {"members": [stack.processes[0].popen.pid], "consumer": [sink.popen.pid],
                "rabbitmq": pids_of("beam.smp"), "postgres": pids_of("postgres")}
        cpu_before = {name: cpu_seconds(p) for name, p in pids.items()}
        with members_engine.begin() as connection:
            connection.execute(outbox.insert(), rows)
        started = time.monotonic()
        wait_for(lambda: claimed() >= events, 600, 0.05, "every event claimed by the consumer")
        elapsed = time.monotonic() - started
        cpu = {name: (cpu_seconds(p) - cpu_before[name]) * 1000 / events for name, p in pids.items()}
        members_engine.dispose()
        return {"name": "pipeline", "events": events, "per_second": events / elapsed, "cpu_ms_per_event": cpu}
    finally:
        sink.stop()
        sink_engine.dispose()
        from servicekit.testing import drop_database

        drop_database(stack.admin, sink_name)


def raw_limits(postgres_url, amqp_uri):
    """The machine's raw limits (``limits.py``), each in a process of its own before the platform starts."""
    script = str(Path(__file__).with_name("limits.py"))
    runs = (["insert", postgres_url], ["copy", postgres_url], ["amqp", amqp_uri])
    results = []
    for run in runs:
        done = subprocess.run([sys.executable, script, *run], check=True, capture_output=True, text=True, timeout=600)
        results.append(json.loads(done.stdout))
    return results


def report(results, limits, pipeline, args):
    ping_rate = results[0]["per_second"]
    print("\nRaw limits of this machine, this run:")
    for limit in limits:
        print(f"  {limit['limit']:32}{limit['per_second']:>12,.0f} /s")
    print(f"\n{args.clients} clients, {args.seconds:g} s each, PostgreSQL, RabbitMQ, one process per service\n")
    print(f"{'':10}{'req/s':>9}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}   CPU ms per request")
    for r in results:
        cpu = "  ".join(f"{k} {v:.2f}" for k, v in r["cpu_ms_per_request"].items())
        ratio = r["per_second"] / ping_rate
        figures = f"{r['per_second']:>9.1f}{ratio:>8.2f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['errors']:>8}"
        print(f"{r['name']:10}{figures}   {cpu}")
    out = Path(args.out) if args.out else REPO / "var" / "bench" / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    raw_events = next(limit["per_second"] for limit in limits if limit["limit"] == "publish_confirmed_and_consume")
    cpu = "  ".join(f"{k} {v:.2f}" for k, v in pipeline["cpu_ms_per_event"].items())
    print(f"\nevent pipeline (outbox -> relay -> quorum queue -> consumer claim), {pipeline['events']} events:")
    print(f"  {pipeline['per_second']:,.0f} events/s = {pipeline['per_second'] / raw_events:.2f} of raw publish"
          f" with batched confirms + consume ({raw_events:,.0f}/s);  CPU ms per event: {cpu}")
    document = {"clients": args.clients, "seconds": args.seconds, "limits": limits, "results": results,
                "pipeline": pipeline}
    out.write_text(json.dumps(document, indent=2))
    print(f"\nregistrations / ping = {results[1]['per_second'] / ping_rate:.2f}; written to {out}")


if __name__ == "__main__":
    main()
