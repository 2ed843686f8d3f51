"""`make run`'s runner, as a user meets it: it starts every process, loads the demo, answers the demo
logins, and stops every process it started on Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import eventlet
import pytest
import requests

from servicekit.testing import free_port, wait_for

REPO = Path(__file__).resolve().parents[2]


def port_is_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


SERVICES = ("members", "funds", "evaluations", "notifications")


@pytest.fixture
def runner(amqp_uri, tmp_path):
    gateway_port = free_port()
    service_ports = {name: free_port() for name in SERVICES}
    env = dict(os.environ, AMQP_URI=amqp_uri, GATEWAY_PORT=str(gateway_port))
    for name, port in service_ports.items():  # every service on its own database and a free port
        env[f"{name.upper()}_DATABASE_URL"] = f"sqlite:///{tmp_path / f'{name}.db'}"
        env[f"{name.upper()}_WEB_PORT"] = str(port)
    process = subprocess.Popen(
        [sys.executable, "deploy/local/run.py"],
        cwd=REPO,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    output = []
    reader = eventlet.spawn(lambda: output.extend(iter(process.stdout.readline, "")))
    process.ports, process.output = (gateway_port, *service_ports.values()), output
    yield process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    reader.kill()


def test_the_runner_serves_the_demo_and_ctrl_c_stops_every_process(runner):
    gateway_port = runner.ports[0]
    wait_for(lambda: any("The platform is running" in line for line in runner.output), 180, 0.2, "the banner")
    api = f"http://127.0.0.1:{gateway_port}/api/v1"
    login = requests.post(
        f"{api}/auth/login", json={"username": "demo.commune", "password": "Khuyenhoc@2025"}, timeout=30
    )
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    found = requests.get(f"{api}/members", params={"q": "nguyen thi hong nhung"}, headers=token, timeout=30).json()
    assert found["items"][0]["full_name"] == "Nguyễn Thị Hồng Nhung"
    runner.send_signal(signal.SIGINT)
    assert runner.wait(timeout=60) == 0
    assert not any(port_is_open(port) for port in runner.ports)
