"""Benchmarks: figures as ratios against limits measured in the same run (``make bench``).

    python tests/bench/run.py [--seconds 20] [--clients 32] [--preload 1750000] [--postgres URL] [--out FILE]

It starts members, funds and the gateway as ``make run`` does (``nameko run``, one process each) on fresh
PostgreSQL databases and a RabbitMQ vhost of their own, then drives them over HTTP from ``--clients`` green
threads (a light client, so that it takes little of the two cores). In one run:

- the machine's raw limits (``limits.py``, each in a process of its own before the platform starts):
  single-row INSERT commits from 8 connections, COPY rows, persistent publishes with batched confirms plus
  consumes with acks;
- ``ping``: ``GET /api/v1/ping``, a token check and one no-op RPC to members: the framework's ceiling (the echo);
- ``register``: ``POST /api/v1/members``, a whole registration (checks, card number, membership, consent,
  outbox row, commit) and its event relayed with confirms;
- ``transfer``: ``POST /api/v1/fund-transfers`` with an Idempotency-Key each, between funds of the officer's
  commune (four senders, four receivers), through the funds ledger;
- ``pipeline``: member_registered events from the members outbox to a consumer that claims each one, against
  raw publish-with-batched-confirms plus consume;
- ``register_loaded``: registrations again once ``preload.py`` has COPYed ``--preload`` members (default
  1.75 million, the Hanoi association) with their memberships and consents, against ``register``;
- queries over those members (``--query-clients`` clients, ``--query-seconds`` each): search by name, by CCCD,
  the first page of a commune and of the province, subtree statistics of a commune and of the province.

For each: operations per second, p50 and p99 latency, CPU milliseconds per operation of every process
(gateway, members, funds, RabbitMQ, PostgreSQL, this client) and the peak resident memory of each process
during the phase. It prints one table and writes everything to a JSON file (default
``var/bench/bench-<time>.json``) so that runs can be compared. Absolute figures drift between machines and
runs; compare ratios.
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
import platform  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import quote, urlsplit, urlunsplit  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
for folder in ("services/shared", "services/members", "services/funds", "gateway"):
    sys.path.insert(0, str(REPO / folder))

from sqlalchemy import create_engine  # noqa: E402

from members import manage  # noqa: E402
from servicekit.testing import Process, create_database, drop_database, free_port, url_for  # noqa: E402

NAMEKO = str(Path(sys.executable).with_name("nameko"))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
HERE = Path(__file__).parent
PASSWORD = "bench-password-1"


def cpu_of(pid, children=True):
    """CPU seconds of ``pid``: utime and stime, and with ``children`` cutime and cstime (children that exited
    and were waited for, e.g. a short-lived subprocess); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return sum(int(value) for value in fields[11 : 15 if children else 13]) / CLOCK_TICKS


class CpuMeter:
    """CPU seconds of process groups between ``__init__`` and ``read``. A group is a callable returning its
    current pids, asked again at the end so that processes started meanwhile (a new pool connection's
    backend) count too; a process gone by then loses its share (the services keep their connections)."""

    def __init__(self, groups):
        self.groups = groups
        self.before = {name: {pid: cpu_of(pid, name != "postgres") for pid in pids()} for name, pids in groups.items()}

    def read(self):
        return {
            name: sum(cpu_of(pid, name != "postgres") - self.before[name].get(pid, 0.0) for pid in pids())
            for name, pids in self.groups.items()
        }


def rss_kib(pid, key="VmRSS:"):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def rabbitmq_pid():
    """The broker of 5672 (other nodes may run on this machine: their work is not ours)."""
    out = subprocess.run(["rabbitmqctl", "-q", "eval", "os:getpid()."], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().strip('"'))


def postgres_pids(postgres_url, databases):
    """The PostgreSQL processes that work for this benchmark: the backends of its databases and the server's
    own (WAL writer, checkpointer...), not the backends of other work on the machine."""
    engine = create_engine(url_for(postgres_url, "postgres"))
    try:
        with engine.connect() as connection:
            directory = connection.exec_driver_sql("SHOW data_directory").scalar_one()
    finally:
        engine.dispose()
    postmaster = int(Path(directory, "postmaster.pid").read_text().split()[0])

    cache = {"at": 0.0, "pids": []}

    def pids():  # asked by the memory sampler five times a second: pgrep at most every two seconds
        if time.monotonic() - cache["at"] > 2:
            cache.update(at=time.monotonic(), pids=scan())
        return cache["pids"]

    def scan():
        found = [postmaster]
        for child in subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split():
            try:
                title = Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace")
            except (FileNotFoundError, ProcessLookupError):
                continue
            if "(" not in title or any(f" {name} " in title for name in databases()):
                found.append(int(child))
        return found

    return pids


class MemoryPeaks:
    """The largest resident size of one process of each group (callables giving pids), sampled every 0.2 s."""

    def __init__(self, groups):
        self.groups, self.peak, self._running = groups, {}, True
        self._thread = eventlet.spawn(self._run)

    def _run(self):
        while self._running:
            self._sample()
            eventlet.sleep(0.2)

    def _sample(self):
        for name, pids in self.groups.items():
            self.peak[name] = max(self.peak.get(name, 0), *(rss_kib(pid) for pid in pids()), 0)

    def stop(self):
        self._running = False
        self._thread.wait()
        self._sample()
        return {name: round(kib / 1024, 1) for name, kib in self.peak.items()}


class Stack:
    def __init__(self, amqp_uri, postgres_url, logs):
        from funds import manage as funds_manage

        self.amqp_uri, self.logs = amqp_uri, logs
        self.admin = create_engine(url_for(postgres_url, "postgres"), isolation_level="AUTOCOMMIT")
        suffix = uuid.uuid4().hex[:6]
        self.db_url = url_for(postgres_url, f"khuyenhoc_bench_{suffix}")
        self.funds_url = url_for(postgres_url, f"khuyenhoc_bench_funds_{suffix}")
        self.db_name = self.db_url.rsplit("/", 1)[1]
        self.databases = [self.db_name, self.funds_url.rsplit("/", 1)[1]]
        for name in self.databases:
            create_database(self.admin, name)
        manage.migrate(self.db_url)
        funds_manage.migrate(self.funds_url)
        self.processes = {}
        self.rabbitmq = rabbitmq_pid()
        self.measured = list(self.databases)  # and the pipeline's consumer database while it exists
        self.postgres = postgres_pids(postgres_url, lambda: self.measured)

    def start(self):
        self.pythonpath = os.pathsep.join(
            str(REPO / p) for p in ("services/shared", "services/members", "services/funds", "gateway")
        )
        env = dict(os.environ, PYTHONPATH=self.pythonpath, AMQP_URI=self.amqp_uri, LOG_LEVEL="WARNING")
        ports = {name: free_port() for name in ("members", "funds", "gateway")}
        self.gateway_port = ports["gateway"]
        for name, config, module, extra in (
            ("members", "services/members/config.yml", "members.service:MembersService",
             {"MEMBERS_DATABASE_URL": self.db_url, "MEMBERS_WEB_ADDRESS": f"127.0.0.1:{ports['members']}"}),
            ("funds", "services/funds/config.yml", "funds.service:FundsService",
             {"FUNDS_DATABASE_URL": self.funds_url, "FUNDS_WEB_ADDRESS": f"127.0.0.1:{ports['funds']}"}),
            ("gateway", "gateway/config.yml", "gateway.service:GatewayService",
             {"GATEWAY_WEB_ADDRESS": f"127.0.0.1:{ports['gateway']}"}),
        ):  # fmt: skip
            args = [NAMEKO, "run", "--config", config, module]
            process = Process(name, args, {**env, **extra}, ports[name], self.logs / f"{name}.log", cwd=REPO)
            self.processes[name] = process.wait_healthy()
        manage.create_officer(self.db_url, "bench.officer", "OFFICER", "00070", "Cán bộ đo hiệu năng", PASSWORD)
        manage.create_officer(self.db_url, "bench.province", "ADMIN", "01", "Quản trị tỉnh đo hiệu năng", PASSWORD)

    def pid(self, name):
        return self.processes[name].popen.pid

    def pids(self, *names):
        """Process groups by name (each a callable giving its pids), for ``CpuMeter`` and ``MemoryPeaks``."""
        groups = {name: (lambda name=name: [self.pid(name)]) for name in ("gateway", "members", "funds")}
        groups.update(rabbitmq=lambda: [self.rabbitmq], postgres=self.postgres, client=lambda: [os.getpid()])
        return {name: groups[name] for name in names or groups}

    def stop(self):
        for process in self.processes.values():
            process.stop()
        for name in self.databases:
            drop_database(self.admin, name)
        self.admin.dispose()


# --- HTTP --------------------------------------------------------------------------------------------


def call(connection, method, path, token, body=None, headers=None):
    headers = {"Authorization": f"Bearer {token}", **(headers or {})}
    if body is not None:
        body = json.dumps(body)
        headers["Content-Type"] = "application/json"
    connection.request(method, f"/api/v1{path}", body, headers)
    response = connection.getresponse()
    return response.status, response.read()


def login(port, username="bench.officer"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": username, "password": PASSWORD})
    connection.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    return json.loads(connection.getresponse().read())["access_token"]


def drive(port, token, request, seconds, clients):
    """Run ``request(connection, token, client)`` in ``clients`` green threads for ``seconds``."""
    latencies, errors = [], {}
    deadline = time.monotonic() + seconds

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status = request(connection, token, index)
            latencies.append(time.perf_counter() - started)
            if status >= 400:
                errors[status] = errors.get(status, 0) + 1

    pool = eventlet.GreenPool(clients)
    for index in range(clients):
        pool.spawn(client, index)
    pool.waitall()
    return latencies, errors


_serial = itertools.count(1)


def ping(connection, token, _client):
    return call(connection, "GET", "/ping", token)[0]


def register(connection, token, _client):
    n = next(_serial)
    body = {
        "cccd": f"001090{n:06d}",
        "full_name": "Nguyễn Văn Đo",
        "gender": "MALE",
        "birth_year": 1990,
        "phone": "0912345678",
        "unit_code": "00070",
        "consent": {"given": True, "channel": "PAPER_FORM"},
    }
    return call(connection, "POST", "/members", token, body)[0]


def transfer_between(funds):
    """Transfers of 1 đồng from sender ``client % 4`` to receiver ``client % 4``, a new key each."""

    def transfer(connection, token, client):
        pair = client % len(funds["senders"])
        body = {"from_fund_id": funds["senders"][pair], "to_fund_id": funds["receivers"][pair], "amount_vnd": 1}
        return call(connection, "POST", "/fund-transfers", token, body, {"Idempotency-Key": str(uuid.uuid4())})[0]

    return transfer


def create_funds(port, token, pairs=4):
    """Funds of the bench officer's commune: ``pairs`` senders with money and ``pairs`` receivers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    funds = {"senders": [], "receivers": []}
    for role in ("senders", "receivers"):
        for i in range(pairs):
            body = {"unit_code": "00070", "name": f"Quỹ đo hiệu năng {role} {i}", "kind": "GENERAL"}
            status, answer = call(connection, "POST", "/funds", token, body)
            assert status == 201, answer
            funds[role].append(json.loads(answer)["id"])
    for fund_id in funds["senders"]:
        body = {"donor_kind": "ANONYMOUS", "amount_vnd": 10**12, "channel": "BANK_TRANSFER"}
        status, answer = call(connection, "POST", f"/funds/{fund_id}/donations", token, body,
                              {"Idempotency-Key": str(uuid.uuid4())})  # fmt: skip
        assert status == 201, answer
    return funds


def queries(preloaded):
    """The read queries over the preloaded members, as (name, path factory, username)."""
    from preload import FAMILY, GIVEN, MIDDLE, cccd

    rng = random.Random(7)
    period = "from=2025-01-01&to=2025-12-31"

    def name():
        return quote(f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)[0]} {rng.choice(GIVEN)}")

    return [
        ("search_name_province", lambda: f"/members?q={name()}", "bench.province"),
        ("search_cccd_province", lambda: f"/members?cccd={cccd(rng.randrange(preloaded))}", "bench.province"),
        ("search_name_commune", lambda: f"/members?q={name()}", "bench.officer"),
        ("list_commune", lambda: "/members?unit_code=00070", "bench.officer"),
        ("list_province", lambda: "/members", "bench.province"),
        ("statistics_commune", lambda: f"/units/00070/statistics?{period}", "bench.officer"),
        ("statistics_province", lambda: f"/units/01/statistics?{period}", "bench.province"),
    ]


def measure(stack, name, request, seconds, clients, token=None, warmup=3):
    token = token or login(stack.gateway_port)
    if warmup:
        drive(stack.gateway_port, token, request, min(warmup, seconds), clients)
    print(f"{datetime.now():%H:%M:%S} {name}: {clients} clients, {seconds:g} s", file=sys.stderr, flush=True)
    peaks, meter = MemoryPeaks(stack.pids()), CpuMeter(stack.pids())
    started = time.monotonic()
    latencies, errors = drive(stack.gateway_port, token, request, seconds, clients)
    elapsed = time.monotonic() - started
    cpu = meter.read()
    latencies.sort()
    count = len(latencies)
    return {
        "name": name,
        "clients": clients,
        "requests": count,
        "errors": errors,
        "seconds": round(elapsed, 2),
        "per_second": round(count / elapsed, 1),
        "p50_ms": round(latencies[count // 2] * 1000, 2),
        "p99_ms": round(latencies[min(int(count * 0.99), count - 1)] * 1000, 2),
        "cpu_ms_per_request": {k: round(v * 1000 / count, 3) for k, v in cpu.items()},
        "cpu_ms_per_request_total": round(sum(v for k, v in cpu.items() if k != "client") * 1000 / count, 3),
        "peak_rss_mib": peaks.stop(),
    }


def measure_pipeline(stack, events):
    """Events per second from the members outbox to a consumer that claims each one (``pipeline_consumer``).

    ``events`` member_registered rows are written to the outbox of the running members service in one
    transaction; the clock runs from that commit until the consumer's inbox holds them all: the relay's
    batches with confirms, the broker's quorum queue, the consumer's claim and ack.
    """
    from sqlalchemy import func, select

    from contracts.envelope import make_event
    from servicekit import db
    from servicekit.testing import kit_only_metadata, wait_for

    sink_name = f"{stack.db_name}_sink"
    create_database(stack.admin, sink_name)
    stack.measured.append(sink_name)
    sink_url = url_for(stack.db_url, sink_name)
    sink_engine = db.make_engine(sink_url, pool_size=1)
    kit_only_metadata().create_all(sink_engine)
    config = stack.logs / "pipeline_sink.yml"
    port = free_port()
    config.write_text(
        f"AMQP_URI: '{stack.amqp_uri}'\nWEB_SERVER_ADDRESS: '127.0.0.1:{port}'\nDATABASE_URL: '{sink_url}'\n"
        "max_workers: 10\nDB_POOL_SIZE: 10\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([stack.pythonpath, str(HERE)]))
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

        def claimed():
            with sink_engine.connect() as connection:
                return connection.execute(select(func.count()).select_from(inbox)).scalar_one()

        pids = {**stack.pids("members", "rabbitmq", "postgres"), "consumer": lambda: [sink.popen.pid]}
        print(f"{datetime.now():%H:%M:%S} pipeline: {events} events", file=sys.stderr, flush=True)
        peaks, meter = MemoryPeaks(pids), CpuMeter(pids)
        with members_engine.begin() as connection:
            connection.execute(outbox.insert(), rows)
        started = time.monotonic()
        wait_for(lambda: claimed() >= events, 600, 0.05, "every event claimed by the consumer")
        elapsed = time.monotonic() - started
        cpu = {name: round(seconds * 1000 / events, 3) for name, seconds in meter.read().items()}
        members_engine.dispose()
        return {"name": "pipeline", "events": events, "seconds": round(elapsed, 2),
                "per_second": round(events / elapsed, 1), "cpu_ms_per_event": cpu,
                "cpu_ms_per_event_total": round(sum(cpu.values()), 3), "peak_rss_mib": peaks.stop()}  # fmt: skip
    finally:
        sink.stop()
        sink_engine.dispose()
        stack.measured.remove(sink_name)
        drop_database(stack.admin, sink_name)


def preload(stack, rows):
    print(f"{datetime.now():%H:%M:%S} preload: {rows:,} members by COPY", file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, str(HERE / "preload.py"), stack.db_url, "--rows", str(rows)],
                          check=True, capture_output=True, text=True, timeout=3600)  # fmt: skip
    return json.loads(done.stdout)


def raw_limits(postgres_url, amqp_uri):
    """The machine's raw limits (``limits.py``), each in a process of its own before the platform starts."""
    runs = (["insert", postgres_url], ["copy", postgres_url], ["amqp", amqp_uri])
    results = []
    for run in runs:
        done = subprocess.run([sys.executable, str(HERE / "limits.py"), *run], check=True, capture_output=True,
                              text=True, timeout=600)  # fmt: skip
        results.append(json.loads(done.stdout))
    return results


def vhost_uri(base):
    vhost = f"bench-{uuid.uuid4().hex[:6]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True, capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True)
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{vhost}")), vhost


def machine():
    def first(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return None

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), None)  # fmt: skip
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(int(memory) / 2**20, 1),
        "python": platform.python_version(),
        "postgres": first(["psql", "--version"]),
        "rabbitmq": first(["rabbitmqctl", "-q", "version"]),
        "load_average_at_start": os.getloadavg(),
    }


def main():
    parser = argparse.ArgumentParser(prog="python tests/bench/run.py")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--events", type=int, default=20_000, help="events through the pipeline measurement")
    parser.add_argument("--preload", type=int, default=1_750_000, help="members COPYed before the loaded phases")
    parser.add_argument("--query-clients", type=int, default=4)
    parser.add_argument("--query-seconds", type=float, default=8)
    parser.add_argument("--only", default=None, help="comma-separated phases: ping,register,transfer,pipeline,loaded")
    parser.add_argument("--no-limits", action="store_true", help="skip the raw limits (when profiling)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else {"ping", "register", "transfer", "pipeline", "loaded"}
    document = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
                "clients": args.clients, "seconds": args.seconds}  # fmt: skip
    amqp_uri, vhost = vhost_uri(os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//"))
    logs = REPO / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    stack = Stack(amqp_uri, args.postgres, logs)
    results = document["results"] = []
    try:
        document["limits"] = [] if args.no_limits else raw_limits(args.postgres, amqp_uri)
        stack.start()
        phases = [("ping", ping), ("register", register)]
        if "transfer" in only:
            funds = create_funds(stack.gateway_port, login(stack.gateway_port))
            phases.append(("transfer", transfer_between(funds)))
        for name, request in phases:
            if name in only or name == "ping":
                results.append(measure(stack, name, request, args.seconds, args.clients))
        if "pipeline" in only:
            document["pipeline"] = measure_pipeline(stack, args.events)
        if "loaded" in only:
            document["preload"] = preload(stack, args.preload)
            results.append(measure(stack, "register_loaded", register, args.seconds, args.clients))
            tokens = {user: login(stack.gateway_port, user) for user in ("bench.officer", "bench.province")}
            for name, path, user in queries(args.preload):
                def query(connection, token, _client, path=path):
                    return call(connection, "GET", path(), token)[0]

                results.append(measure(stack, name, query, args.query_seconds, args.query_clients, tokens[user], 1))
        document["service_peak_rss_mib"] = {  # the kernel's high-water mark over the whole run
            name: round(rss_kib(stack.pid(name), "VmHWM:") / 1024, 1) for name in ("gateway", "members", "funds")
        }
        document["machine"]["load_average_at_end"] = os.getloadavg()
    finally:
        stack.stop()
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False, capture_output=True)
    out = Path(args.out) if args.out else logs / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(document, indent=2))
    report(document)
    print(f"\nwritten to {out}")


QUERY_NAMES = ("search_name_province", "search_cccd_province", "search_name_commune", "list_commune",
               "list_province", "statistics_commune", "statistics_province")
GOALS = {  # name: (what it is divided by, the goal for the ratio, or for p99 in ms)
    "register": ("ping", ">= 0.70"),
    "transfer": ("ping", ">= 0.60"),
    "register_loaded": ("register", ">= 0.90"),
}


def report(document):
    machine_info, results = document["machine"], {r["name"]: r for r in document["results"]}
    print(f"\nMachine: {machine_info['cpus']} CPUs ({machine_info['cpu_model']}), {machine_info['memory_gib']} GiB, "
          f"{machine_info['postgres']}, RabbitMQ {machine_info['rabbitmq']}, Python {machine_info['python']}; "
          "load average at start {:.2f} {:.2f} {:.2f}".format(*machine_info["load_average_at_start"]), end="")
    if "load_average_at_end" in machine_info:
        print(", at end {:.2f} {:.2f} {:.2f}".format(*machine_info["load_average_at_end"]))
    print("\nRaw limits, this run:")
    for limit in document.get("limits", []):
        print(f"  {limit['limit']:32}{limit['per_second']:>12,.0f} /s")
    header = (f"{'':22}{'op/s':>9}{'ratio':>7}{'of':>10}{'goal':>8}{'p50 ms':>9}{'p99 ms':>9}{'err':>6}"
              f"{'CPU ms/op':>10}   CPU ms/op: gateway members funds rabbitmq postgres | client; "
              "peak RSS MiB: gateway members funds")  # fmt: skip
    query_clients = next((r["clients"] for r in document["results"] if r["name"] in QUERY_NAMES), "-")
    print(f"\n{document['clients']} clients for the writes, {document['seconds']:g} s each; the queries with "
          f"{query_clients} clients over the preloaded members\n")
    print(header)
    for r in document["results"]:
        base, goal = GOALS.get(r["name"], (None, "p99<50" if r["name"] in QUERY_NAMES else ""))
        ratio = f"{r['per_second'] / results[base]['per_second']:.2f}" if base in results else ""
        cpu = r["cpu_ms_per_request"]
        parts = " ".join(f"{cpu.get(k, 0):.2f}" for k in ("gateway", "members", "funds", "rabbitmq", "postgres"))
        rss = " ".join(f"{r['peak_rss_mib'].get(k, 0):.0f}" for k in ("gateway", "members", "funds"))
        errors = sum(r["errors"].values())
        print(f"{r['name']:22}{r['per_second']:>9.1f}{ratio:>7}{base or '':>10}{goal:>8}{r['p50_ms']:>9.1f}"
              f"{r['p99_ms']:>9.1f}{errors:>6}{r['cpu_ms_per_request_total']:>10.2f}   {parts} | "
              f"{cpu.get('client', 0):.2f}; {rss}")  # fmt: skip
    if "ping" in results:
        for name in ("register", "transfer"):
            if name in results:
                print(f"  {name} p99 / ping p99 = {results[name]['p99_ms'] / results['ping']['p99_ms']:.1f}"
                      + (" (goal <= 3)" if name == "register" else ""))  # fmt: skip
    pipeline = document.get("pipeline")
    if pipeline and document["limits"]:
        raw = next(x["per_second"] for x in document["limits"] if x["limit"] == "publish_confirmed_and_consume")
        cpu = " ".join(f"{k} {v:.2f}" for k, v in pipeline["cpu_ms_per_event"].items())
        print(f"\nevent pipeline (outbox -> relay -> quorum queue -> consumer claim), {pipeline['events']} events: "
              f"{pipeline['per_second']:,.0f} events/s = {pipeline['per_second'] / raw:.2f} of raw publish with "
              f"batched confirms + consume ({raw:,.0f}/s, goal >= 0.50); CPU ms per event: {cpu}; "
              f"peak RSS MiB: {pipeline['peak_rss_mib']}")  # fmt: skip
    if "preload" in document:
        p = document["preload"]
        print(f"\npreloaded {p['rows']:,} members (+ memberships, consents) by COPY: {p['seconds']}")
    if "service_peak_rss_mib" in document:
        print(f"peak RSS over the whole run (VmHWM, MiB, goal <= 250): {document['service_peak_rss_mib']}")


if __name__ == "__main__":
    main()
