"""Benchmark of bulk registration: a file of N synthetic members imported through the real path.

    .venv/bin/python tests/bench/import_bench.py [--rows 1746236] [--postgres URL] [--batch-size 1000]

It generates a CSV of N members (default 1,746,236: the Hanoi association in June 2024) spread over the
communes of Hà Nội, starts the members service and the gateway as ``make run`` does (``nameko run``, one
process each) on a fresh PostgreSQL database and a RabbitMQ vhost of their own, creates a provincial client,
gets a token, uploads the file through the gateway and follows the job to its end. Then, in the same run,
it COPYs the same member rows into an equivalent table (``CREATE TABLE ... (LIKE members INCLUDING ALL)``:
same columns, same indexes) and prints:

- rows per second of the import (upload to COMPLETED), and its ratio to COPY of the same rows;
- the peak resident memory (VmHWM, or sampled RSS for PostgreSQL backends) of every process: members,
  gateway, RabbitMQ (beam.smp), PostgreSQL (the largest backend and the sum of all), and this client;
- how long the outbox relay took to publish every member_registered event after the job completed;
- the CPU seconds members, the gateway, RabbitMQ and PostgreSQL used from the upload to COMPLETED.

The import writes more than COPY does: per member a membership, one or two consent records and an outbox
row (4-5 rows), the checks of a single registration, card numbers, and the error report; COPY writes one row
and checks nothing. The ratio says what those cost, on this machine, this run.
"""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import argparse  # noqa: E402
import csv  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
for folder in ("services/shared", "services/members", "gateway"):
    sys.path.insert(0, str(REPO / folder))

import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from members import manage, reference  # noqa: E402
from members.domain import fold_name  # noqa: E402
from servicekit.testing import Process, create_database, drop_database, free_port, url_for  # noqa: E402

NAMEKO = str(Path(sys.executable).with_name("nameko"))
HANOI_COMMUNES = [unit.code for unit in reference.commune_units("01")]
COLUMNS = ["cccd", "full_name", "gender", "birth_date", "phone", "unit_code", "consent_given", "consent_channel"]
NAMES = [("Nguyễn Văn Nam", "MALE"), ("Trần Thị Hoa", "FEMALE"), ("Lê Văn Hùng", "MALE"), ("Phạm Thị Lan", "FEMALE")]


def synthetic_row(i):
    """Member ``i`` (0-based): a CCCD unique over 10 million, agreeing with gender and birth year."""
    name, gender = NAMES[i % 4]
    year = 1940 + i % 70
    century = (year // 100 - 19) * 2 + (gender == "FEMALE")
    cccd = f"{1 + i // 10**6:03d}{century}{year % 100:02d}{i % 10**6:06d}"
    return [cccd, name, gender, f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", f"09{i % 10**8:08d}",
            HANOI_COMMUNES[i % len(HANOI_COMMUNES)], "true", "ONLINE_FORM"]  # fmt: skip


def write_file(path, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(rows):
            writer.writerow(synthetic_row(i))


class Peaks:
    """Samples the resident memory of the processes every half second; VmHWM when the kernel keeps it."""

    def __init__(self, groups):
        self.groups, self.peak, self.sum_peak, self._stop = groups, {}, {}, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.wait(0.5):
            for name, pids in self.groups().items():
                sizes = [_rss_kib(pid) for pid in pids]
                self.peak[name] = max(self.peak.get(name, 0), *sizes, 0)
                self.sum_peak[name] = max(self.sum_peak.get(name, 0), sum(sizes))

    def stop(self):
        self._stop.set()
        self.thread.join()
        for name, pids in self.groups().items():  # the kernel's own high-water mark, where it kept one
            self.peak[name] = max(self.peak.get(name, 0), *(_hwm_kib(pid) for pid in pids), 0)
        return self.peak, self.sum_peak


def _status(pid, key):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def cpu_seconds(pids):
    """User plus system CPU seconds the processes have used so far (those still alive)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _rss_kib(pid):
    return _status(pid, "VmRSS:")


def _hwm_kib(pid):
    return _status(pid, "VmHWM:")


def pids_of(pattern):
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def copy_rate(db_url, csv_path, rows):
    """COPY of the same member rows into a table like ``members`` (same columns and indexes)."""
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_copy (LIKE members INCLUDING ALL)"))
    buffer_path = csv_path.with_suffix(".copy.csv")
    with csv_path.open(encoding="utf-8") as source, buffer_path.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(source), csv.writer(out)
        next(reader)
        for i, (cccd, name, gender, birth, phone, unit, _, _) in enumerate(reader):
            writer.writerow([str(uuid.uuid4()), cccd, name, fold_name(name), gender, birth[:4], birth, phone, "", "",
                             "", unit, f"/VN/01/{unit}/", "ACTIVE", "2026-01-01", "", "", f"KH-01-26-{i + 1:07d}",
                             "2026-01-01T00:00:00+00:00", 1, "2026-01-01T00:00:00+00:00",
                             "2026-01-01T00:00:00+00:00"])  # fmt: skip
    columns = ("id, cccd, full_name, name_folded, gender, birth_year, birth_date, phone, email, ethnicity, religion, "
               "unit_code, unit_path, status, join_date, left_on, left_reason, card_number, consent_given_at, "
               "version, created_at, updated_at")  # fmt: skip
    import psycopg2.extensions

    psycopg2.extensions.set_wait_callback(None)  # psycogreen's callback (set by manage.migrate) forbids COPY
    raw = engine.raw_connection()
    try:
        started = time.monotonic()
        with raw.cursor() as cursor, buffer_path.open(encoding="utf-8") as data:
            cursor.copy_expert(f"COPY bench_copy ({columns}) FROM STDIN WITH (FORMAT csv, NULL '')", data)
        raw.commit()
        elapsed = time.monotonic() - started
    finally:
        raw.close()
        engine.dispose()
        buffer_path.unlink(missing_ok=True)
    return rows / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_746_236)
    parser.add_argument("--postgres", default=os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--work", default=str(REPO / "var" / "bench" / "import"))
    args = parser.parse_args()

    work = Path(args.work) / uuid.uuid4().hex[:8]
    (work / "spool").mkdir(parents=True)
    source = work / "members.csv"
    started = time.monotonic()
    write_file(source, args.rows)
    print(f"{args.rows:,} rows written to {source} ({source.stat().st_size / 2**20:.0f} MiB) "
          f"in {time.monotonic() - started:.0f} s")

    admin = create_engine(url_for(args.postgres, "postgres"), isolation_level="AUTOCOMMIT")
    name = f"khuyenhoc_import_bench_{uuid.uuid4().hex[:6]}"
    create_database(admin, name)
    db_url = url_for(args.postgres, name)
    manage.migrate(db_url)
    base = urlsplit(os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//"))
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, base.username or "guest", ".*", ".*", ".*")
    amqp_uri = urlunsplit(base._replace(path=f"/{vhost}"))
    processes = []
    try:
        path = os.pathsep.join(str(REPO / p) for p in ("services/shared", "services/members", "gateway"))
        env = dict(os.environ, AMQP_URI=amqp_uri, LOG_LEVEL="WARNING", IMPORT_SPOOL_DIR=str(work / "spool"),
                   IMPORT_BATCH_SIZE=str(args.batch_size), PYTHONPATH=path)  # fmt: skip
        members_port, gateway_port = free_port(), free_port()
        for label, config, module, extra, port in (
            ("members", "services/members/config.yml", "members.service:MembersService",
             {"MEMBERS_DATABASE_URL": db_url, "MEMBERS_WEB_ADDRESS": f"127.0.0.1:{members_port}"}, members_port),
            ("gateway", "gateway/config.yml", "gateway.service:GatewayService",
             {"GATEWAY_WEB_ADDRESS": f"127.0.0.1:{gateway_port}"}, gateway_port),
        ):  # fmt: skip
            process = Process(label, [NAMEKO, "run", "--config", config, module], {**env, **extra}, port,
                              work / f"{label}.log", cwd=REPO)  # fmt: skip
            processes.append(process.wait_healthy())
        manage.create_officer(db_url, "bench.admin", "ADMIN", "01", "Quản trị đo hiệu năng", "bench-password-1")
        api = f"http://127.0.0.1:{gateway_port}/api/v1"
        login = requests.post(f"{api}/auth/login", json={"username": "bench.admin", "password": "bench-password-1"},
                              timeout=30).json()  # fmt: skip
        officer = {"Authorization": f"Bearer {login['access_token']}"}
        client = requests.post(f"{api}/clients", headers=officer, timeout=30, json={
            "name": "LGSP Hà Nội (benchmark)", "unit_code": "01", "scopes": ["imports:write", "members:read"]}).json()
        token = requests.post(f"{api}/oauth/token", auth=(client["id"], client["client_secret"]),
                              data={"grant_type": "client_credentials"}, timeout=30).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        def groups():
            return {"members": [processes[0].popen.pid], "gateway": [processes[1].popen.pid],
                    "rabbitmq": pids_of("beam.smp"), "postgres": pids_of("postgres"), "client": [os.getpid()]}

        peaks = Peaks(groups)
        cpu_before = {label: cpu_seconds(pids) for label, pids in groups().items()}
        started = time.monotonic()
        with source.open("rb") as body:
            answer = requests.post(f"{api}/imports", data=body, timeout=3600,
                                   headers={**headers, "Content-Type": "text/csv"})  # fmt: skip
        assert answer.status_code == 202, answer.text
        uploaded = time.monotonic() - started
        job_url = f"{api}/imports/{answer.json()['id']}"
        while (job := requests.get(job_url, headers=headers, timeout=30).json())["state"] in ("QUEUED", "RUNNING"):
            time.sleep(1)
        elapsed = time.monotonic() - started
        cpu = {label: cpu_seconds(pids) - cpu_before[label] for label, pids in groups().items()}
        engine = create_engine(db_url)
        with engine.connect() as connection:
            while connection.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar_one():
                connection.rollback()
                time.sleep(0.5)
        relayed = time.monotonic() - started - elapsed
        engine.dispose()
        peak, sum_peak = peaks.stop()
        rate = job["rows_accepted"] / elapsed
        copy = copy_rate(db_url, source, args.rows)
        print(f"\nimport of {args.rows:,} rows: {job['state']}, {job['rows_accepted']:,} accepted, "
              f"{job['rows_rejected']:,} rejected")
        print(f"  upload {uploaded:.1f} s; upload to COMPLETED {elapsed:.1f} s: {rate:,.0f} rows/s")
        print(f"  events still in the outbox at COMPLETED published {relayed:.1f} s later")
        print(f"  COPY of the same rows into a table like members: {copy:,.0f} rows/s; "
              f"import / COPY = {rate / copy:.3f}")
        print("  CPU seconds from upload to COMPLETED (PostgreSQL: its processes alive at the end): "
              + ", ".join(f"{label} {cpu[label]:,.1f}" for label in ("members", "gateway", "rabbitmq", "postgres")))
        print("  peak resident memory (MiB):")
        for label in ("members", "gateway", "rabbitmq", "postgres", "client"):
            extra = f" (all backends together {sum_peak[label] / 1024:,.0f})" if label == "postgres" else ""
            print(f"    {label:10}{peak.get(label, 0) / 1024:>8,.0f}{extra}")
    finally:
        for process in processes:
            process.stop()
        rabbitmqctl("delete_vhost", vhost)
        drop_database(admin, name)
        admin.dispose()
        for leftover in (work / "spool").glob("*"):
            leftover.unlink()
        source.unlink(missing_ok=True)


if __name__ == "__main__":
    main()

