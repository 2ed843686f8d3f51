"""End-to-end fixtures: the services as real processes (``nameko run``), as ``make run`` starts them."""

import os
import sys
from pathlib import Path

import pytest

from servicekit.testing import Process, free_port

REPO = Path(__file__).resolve().parents[2]
NAMEKO = str(Path(sys.executable).with_name("nameko"))
PYTHONPATH = os.pathsep.join(str(REPO / p) for p in ("services/shared", "services/members", "gateway"))


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
