"""The platform of the security tests (``conftest.security_platform`` starts it): every service and the
gateway as ``nameko run`` processes with their own config.yml, their logs, the tap queue and the gateway's
JWT secret. A module of its own so that tests can import its constants (never ``from conftest import``)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from members.testing import Api
from servicekit.testing import Process, free_port

REPO = Path(__file__).resolve().parents[2]
NAMEKO = str(Path(sys.executable).with_name("nameko"))
SERVICES = ("members", "funds", "evaluations", "notifications")
JWT_SECRET = "security-tests-secret-of-at-least-32-bytes!"
UPLOAD_LIMIT = 4 << 20  # IMPORT_MAX_BYTES of the gateway here (2 GiB by default): the limit is tested with 4 MiB
TAP_QUEUE = "security.tap"
EXCHANGES = ("members.events", "funds.events", "evaluations.events")


def python_path(name):
    folders = ["services/shared", "gateway"] + ([] if name == "gateway" else [f"services/{name}"])
    return os.pathsep.join(str(REPO / f) for f in folders)


class SecurityPlatform:
    def __init__(self, amqp_uri, folder, db_urls, smtp, sms):
        self.amqp_uri, self.folder, self.db_urls = amqp_uri, folder, db_urls
        self.smtp, self.sms = smtp, sms
        self.processes = {}
        self.spool = folder / "spool"
        self.backend = "postgres" if db_urls["members"].startswith("postgresql") else "sqlite"

    def env(self, name, **extra):
        env = dict(os.environ, PYTHONPATH=python_path(name), AMQP_URI=self.amqp_uri, LOG_LEVEL="INFO",
                   IMPORT_SPOOL_DIR=str(self.spool), OUTBOX_RELAY_INTERVAL_SECONDS="0.2")  # fmt: skip
        env["PYTHONWARNINGS"] = "ignore::Warning:nameko.cli.commands"
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def start(self, name):
        port = free_port()
        extra = {f"{name.upper()}_WEB_ADDRESS": f"127.0.0.1:{port}"}
        if name == "gateway":
            extra.update(GATEWAY_JWT_SECRET=JWT_SECRET, CLIENT_RATE_PER_SECOND=1000, CLIENT_RATE_BURST=1000,
                         IMPORT_MAX_BYTES=UPLOAD_LIMIT)
            config = "gateway/config.yml"
        else:
            extra[f"{name.upper()}_DATABASE_URL"] = self.db_urls[name]
            config = f"services/{name}/config.yml"
        if name == "notifications":
            extra.update(SMTP_HOST="127.0.0.1", SMTP_PORT=self.smtp.port, SMS_URL=f"{self.sms.url}/sms",
                         DISPATCH_INTERVAL_SECONDS=0.2)  # fmt: skip
        args = [NAMEKO, "run", "--config", config, f"{name}.service:{name.capitalize()}Service"]
        process = Process(name, args, self.env(name, **extra), port, self.folder / f"{name}.log", cwd=REPO)
        self.processes[name] = process
        return process

    @property
    def gateway_url(self):
        return self.processes["gateway"].url

    def api(self):
        """An ``Api`` (members.testing) of the gateway: ``as_officer(role, unit)`` makes and logs in officers."""
        return Api(self.gateway_url, self.db_urls["members"])

    def logs(self):
        """Every line every process wrote so far, as ``(process, line)``."""
        for name, process in self.processes.items():
            process.log.flush()
            for line in process.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
                yield name, line

    def metrics(self):
        return {name: requests.get(f"{p.url}/metrics", timeout=10).text for name, p in self.processes.items()}

    def stop(self):
        """SIGTERM to every process at once, then wait for each (one by one took 20 s)."""
        running = [p for p in self.processes.values() if p.popen.poll() is None]
        for process in running:
            process.popen.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait(timeout=30)
            process.log.close()


def bind_tap(amqp_uri):
    from kombu import Connection, Exchange, Queue

    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        queue = Queue(TAP_QUEUE, durable=True, channel=channel)
        queue.declare()
        for exchange in EXCHANGES:
            Exchange(exchange, type="topic", durable=True, channel=channel).declare()
            queue.bind_to(exchange, routing_key="#")
