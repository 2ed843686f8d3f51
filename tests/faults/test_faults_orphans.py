"""A test run killed with its private broker node still up must not leave the node behind: the node
dies with its owner where the kernel can see to it, and the next fault session sweeps the rest."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults import infra

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys, time
from tests.faults import infra
node = infra.RabbitNode(root=sys.argv[1])
node.start()
print(node.port, flush=True)
time.sleep(600)
"""


def _has_processes(root):
    return any(True for _ in infra._processes_under(root))


def test_a_node_whose_owner_was_killed_is_swept_with_its_folder(tmp_path):
    if not infra._first_executable(infra.RABBITMQ_SERVER_CANDIDATES, "rabbitmq-server"):
        pytest.skip("rabbitmq-server is not installed")
    root = tmp_path / (infra.RABBIT_PREFIX + "orphan")
    root.mkdir()
    owner = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root)],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = owner.stdout.readline().strip()
        assert port.isdigit(), "the owner did not start its node"
        assert _has_processes(root)
        assert infra.sweep_orphans(tmp_path) == [], "a node whose owner lives is not swept"
        assert _has_processes(root)
    finally:
        owner.kill()
        owner.wait(timeout=30)
    assert infra.sweep_orphans(tmp_path) == [root]
    deadline = time.monotonic() + 30
    while _has_processes(root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _has_processes(root), "the orphaned node's processes outlived the sweep"
    assert not root.exists()
