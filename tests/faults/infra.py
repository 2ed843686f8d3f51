"""A private RabbitMQ node and a private PostgreSQL cluster for fault tests: the machine's own broker and
database server are shared by every test and every engineer, so a test that kills or restarts one starts
its own, on its own ports, with its data under a temporary folder, and removes it afterwards.

- ``RabbitNode``: ``rabbitmq-server`` with its own node name, AMQP and distribution ports, data and log
  folders, no plugins and a configuration file of its own (the machine's listens on 5672); the Erlang
  cookie is the one in the node's ``HOME``, which ``ctl`` (``rabbitmqctl -n <node>``) shares.
  ``kill()`` sends SIGKILL to the whole process group (the start script and the Erlang VM).
  The node gets SIGKILL if the test process dies (PDEATHSIG), and ``sweep_orphans()`` (called when a
  fault session starts) kills what a killed run left anyway: the node's processes carry its folder in
  their environment, and the folder names the process that owns it.
- ``PostgresCluster``: ``initdb`` + ``pg_ctl`` on its own port. ``initdb`` refuses to run as root, so as
  root every command runs as the ``postgres`` user (``runuser``) in a folder that user owns.

Only tests and the load test use this module.
"""

import contextlib
import ctypes
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from servicekit.testing import free_port

RABBIT_PREFIX, POSTGRES_PREFIX = "khuyenhoc-rabbit-", "khuyenhoc-pg-"
OWNER_FILE = "owner.pid"
RABBITMQ_SERVER_CANDIDATES = ("/usr/lib/rabbitmq/bin/rabbitmq-server",)
RABBITMQCTL_CANDIDATES = ("/usr/lib/rabbitmq/bin/rabbitmqctl",)


def _first_executable(candidates, name):
    """The Debian wrappers in /usr/sbin switch to the ``rabbitmq`` user and redirect the output; the
    scripts behind them run as the caller, which is what a private node needs."""
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    return shutil.which(name)


def _die_with_parent():
    """In the child, before exec: SIGKILL when the test process dies, however it dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim(root):
    (Path(root) / OWNER_FILE).write_text(str(os.getpid()))


def _orphaned(root):
    try:
        return not _alive(int((Path(root) / OWNER_FILE).read_text()))
    except (OSError, ValueError):  # no owner recorded: older than this guard, or half made
        return time.time() - Path(root).stat().st_mtime > 3600


def _processes_under(root):
    """Pids whose environment names ``root`` (the node's start script, its Erlang VM and helpers), but
    never epmd: the machine's own broker may be registered with it."""
    marker = str(root).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes() and b"epmd" not in (entry / "cmdline").read_bytes():
                yield int(entry.name)
        except OSError:
            continue


def sweep_orphans(tmp=None):
    """Kill the private nodes and clusters that a killed test run left behind, and remove their folders.
    Returns the folders swept."""
    swept = []
    base = Path(tmp or tempfile.gettempdir())
    for root in sorted(base.glob(RABBIT_PREFIX + "*")):
        if root.is_dir() and _orphaned(root):
            for pid in _processes_under(root):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            shutil.rmtree(root, ignore_errors=True)
            swept.append(root)
    for root in sorted(base.glob(POSTGRES_PREFIX + "*")):
        if root.is_dir() and _orphaned(root):
            with contextlib.suppress(Unavailable, OSError, subprocess.SubprocessError):
                cluster = PostgresCluster(root)
                cluster.destroy()
            shutil.rmtree(root, ignore_errors=True)
            swept.append(root)
    return swept


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} not within {timeout} s")


class Unavailable(Exception):
    """The tool is not installed here: the caller skips."""


class RabbitNode:
    def __init__(self, root=None, name="faults"):
        self.server = _first_executable(RABBITMQ_SERVER_CANDIDATES, "rabbitmq-server")
        self.ctl_path = _first_executable(RABBITMQCTL_CANDIDATES, "rabbitmqctl")
        if not (self.server and self.ctl_path):
            raise Unavailable("rabbitmq-server is not installed")
        self.root = Path(root or tempfile.mkdtemp(prefix=RABBIT_PREFIX))
        self.port, self.dist_port = free_port(), free_port()
        self.node = f"{name}{uuid.uuid4().hex[:6]}@localhost"
        home = self.root / "home"
        home.mkdir(parents=True, exist_ok=True)
        _claim(self.root)
        (self.root / "rabbitmq.conf").write_text(f"listeners.tcp.1 = 127.0.0.1:{self.port}\nloopback_users = none\n")
        (self.root / "enabled_plugins").write_text("[].\n")
        self.process = None
        self.starts = 0

    def env(self):
        return dict(
            os.environ,
            HOME=str(self.root / "home"),
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(self.root / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.root / "log"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.root / "enabled_plugins"),
            RABBITMQ_CONFIG_FILE=str(self.root / "rabbitmq.conf"),
            RABBITMQ_ADVANCED_CONFIG_FILE=str(self.root / "advanced.config"),
        )

    def uri(self, vhost=""):
        return f"pyamqp://guest:guest@127.0.0.1:{self.port}/{vhost}"

    def start(self, timeout=120):
        log = open(self.root / f"server-{self.starts}.out", "wb")  # noqa: SIM115 (the process owns it)
        self.starts += 1
        self.process = subprocess.Popen(
            [self.server],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # the test process starts no thread before a node
        )
        log.close()
        _wait(self._accepts_amqp, timeout, f"RabbitMQ node {self.node}")
        return self

    def _accepts_amqp(self):
        from kombu import Connection

        if self.process.poll() is not None:
            raise RuntimeError(f"rabbitmq-server exited ({self.process.returncode}): see {self.root}")
        try:
            with Connection(self.uri(), connect_timeout=1) as connection:
                connection.connect()
            return True
        except Exception:
            return False

    def kill(self):
        """SIGKILL to the node's process group: no clean shutdown, no flush."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def ctl(self, *args, timeout=60):
        return subprocess.run(
            [self.ctl_path, "-q", "-n", self.node, *args],
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        ).stdout

    def add_vhost(self, vhost):
        self.ctl("add_vhost", vhost)
        self.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        return self.uri(vhost)

    def stop(self, keep=False):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)


def _postgres_bindir():
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if versions:
        return Path(versions[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise Unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed")


class PostgresCluster:
    def __init__(self, root=None):
        self.bindir = _postgres_bindir()
        self.root = Path(root or tempfile.mkdtemp(prefix=POSTGRES_PREFIX))
        self.port = free_port()
        self.data = self.root / "data"
        self.as_postgres = os.geteuid() == 0
        if not (self.root / OWNER_FILE).exists():
            _claim(self.root)
        if self.as_postgres:  # initdb will not run as root; the cluster belongs to postgres
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)
        self.restarts = 0

    def _run(self, *args, timeout=120):
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)

    def init(self):
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        return self

    def start(self):
        # fsync off: the tests kill the server, never the machine, so committed data is in the OS's cache.
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=400 -c shared_buffers=64MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")
        return self

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode="immediate"):
        """Stop (``immediate``: every backend dies at once, recovery at start, as after a crash) and start."""
        self.stop(mode)
        self.restarts += 1
        return self.start()

    def url(self, database="postgres"):
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self, keep=False):
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop("immediate")
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)
