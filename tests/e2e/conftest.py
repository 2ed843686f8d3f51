"""End-to-end fixtures: the services as real processes (``nameko run``), as ``make run`` starts them."""

import os
import sys
from pathlib import Path

import pytest

from servicekit.testing import Process, free_port

REPO = Path(__file__).resolve().parents[2]
NAMEKO = str(Path(sys.executable).with_name("nameko"))
SERVICE_NAMES = ("members", "funds", "evaluations", "notifications")
PYTHONPATH = os.pathsep.join(
    str(REPO / p) for p in ("services/shared", *(f"services/{name}" for name in SERVICE_NAMES), "gateway")
)


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
        return self.start_service("members", "MembersService", self.members_db_url, **env)

    def start_service(self, name, class_name, db_url, label=None, **env):
        """``nameko run`` of ``services/<name>`` on ``db_url`` (migrated beforehand), its web port free;
        ``label`` names the process and its log when several of one service run."""
        port = free_port()
        args = [NAMEKO, "run", "--config", f"services/{name}/config.yml", f"{name}.service:{class_name}"]
        prefix = name.upper()
        env = self._env(**{f"{prefix}_DATABASE_URL": db_url, f"{prefix}_WEB_ADDRESS": f"127.0.0.1:{port}"}, **env)
        return self._start(label or name, args, env, port)

    def start_gateway(self):
        args = [NAMEKO, "run", "--config", "gateway/config.yml", "gateway.service:GatewayService"]
        env = self._env(GATEWAY_WEB_ADDRESS=f"127.0.0.1:{self.gateway_port}")
        return self._start("gateway", args, env, self.gateway_port)

    def _start(self, name, args, env, port):
        process = Process(name, args, env, port, self.tmp_path / f"{name}.log", cwd=REPO)
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
