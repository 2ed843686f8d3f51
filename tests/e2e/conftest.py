"""End-to-end fixtures: the services as real processes (``nameko run``), as ``make run`` starts them."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from servicekit.testing import free_port, wait_for

REPO = Path(__file__).resolve().parents[2]
NAMEKO = str(Path(sys.executable).with_name("nameko"))
PYTHONPATH = os.pathsep.join(str(REPO / p) for p in ("services/shared", "services/members", "gateway"))


class Process:
    def __init__(self, name, args, env, port, log_path):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.log = open(log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.popen = subprocess.Popen(args, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout=60):
        def healthy():
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited: {self.log_path.read_text()[-2000:]}")
            try:
                return requests.get(f"{self.url}/healthz", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False

        wait_for(healthy, timeout, 0.1, f"{self.name} healthy")
        return self

    def kill(self, sig=signal.SIGKILL):
        self.popen.send_signal(sig)
        self.popen.wait(timeout=30)
        self.log.close()

    def stop(self):
        if self.popen.poll() is None:
            self.kill(signal.SIGTERM)


class Platform:
    def __init__(self, amqp_uri, members_db_url, tmp_path):
        self.amqp_uri, self.members_db_url, self.tmp_path = amqp_uri, members_db_url, tmp_path
        self.processes = []
        self.gateway_port = free_port()

    def _env(self, **extra):
        env = dict(os.environ, PYTHONPATH=PYTHONPATH, AMQP_URI=self.amqp_uri, LOG_LEVEL="INFO")
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def start_members(self, **env):
        port = free_port()
        args = [NAMEKO, "run", "--config", "services/members/config.yml", "members.service:MembersService"]
        env = self._env(MEMBERS_DATABASE_URL=self.members_db_url, MEMBERS_WEB_ADDRESS=f"127.0.0.1:{port}", **env)
        return self._start("members", args, env, port)

    def start_gateway(self):
        args = [NAMEKO, "run", "--config", "gateway/config.yml", "gateway.service:GatewayService"]
        env = self._env(GATEWAY_WEB_ADDRESS=f"127.0.0.1:{self.gateway_port}")
        return self._start("gateway", args, env, self.gateway_port)

    def _start(self, name, args, env, port):
        process = Process(name, args, env, port, self.tmp_path / f"{name}.log")
        self.processes.append(process)
        return process.wait_healthy()

    def stop(self):
        for process in self.processes:
            process.stop()


@pytest.fixture
def platform(amqp_uri, members_db_url, tmp_path):
    running = Platform(amqp_uri, members_db_url, tmp_path)
    yield running
    running.stop()
