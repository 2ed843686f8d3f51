"""Run the whole platform on this machine: every service and the gateway, one process each.

    python deploy/local/run.py [--no-demo] [--reset] [--timeout SECONDS]

`make run` calls this with the venv's Python after making sure RabbitMQ answers. For each service
below whose folder has a config.yml it migrates the service's database, loads the demo data (members,
once), starts `nameko run` for it and for the gateway, waits until every /healthz answers 200, and
prints where to go next. Ctrl-C (or SIGTERM) stops everything it started; if one process dies, the
rest are stopped too. Output of each process is shown prefixed with its name and kept in
var/log/<name>.log.

Standard library only: it runs before anything of ours is importable.

Environment (all optional):
  AMQP_URI                      broker, default pyamqp://guest:guest@127.0.0.1:5672//
  <NAME>_DATABASE_URL           e.g. MEMBERS_DATABASE_URL, default sqlite:///<repo>/var/data/<name>.db
  <NAME>_WEB_PORT, GATEWAY_PORT ports, defaults below; passed on as <NAME>_WEB_ADDRESS=0.0.0.0:<port>
  DEMO_PASSWORD                 password of the demo logins, default Khuyenhoc@2025
  STARTUP_TIMEOUT               seconds to wait for every /healthz (default 90)
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Service:
    name: str  # the Python package (<name>.service, <name>.manage) and the prefix of its env vars
    folder: str  # relative to the repository root; holds config.yml and the package
    web_port: int  # default port of its /healthz and /metrics (or, for the gateway, the API)
    demo: bool = False  # run `python -m <name>.manage load-demo` after migrating
    # and `load-demo --after-events` once every service is up: the part of its demo that needs what it
    # learns from the other services' demo events (members in a projection, grassroots units)
    demo_after_events: bool = False


# Services in start order. A service whose folder has no config.yml yet is skipped with a note.
SERVICES = [
    Service("members", "services/members", web_port=8001, demo=True),
    Service("funds", "services/funds", web_port=8002, demo=True, demo_after_events=True),
    Service("evaluations", "services/evaluations", web_port=8003, demo=True, demo_after_events=True),
    Service("notifications", "services/notifications", web_port=8004),
]
GATEWAY = Service("gateway", "gateway", web_port=8000)
SHARED_FOLDER = "services/shared"

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"
DEFAULT_DEMO_PASSWORD = "Khuyenhoc@2025"  # noqa: S105 (the published demo password)
API_PREFIX = "/api/v1"
LOGIN_PATH = "/api/v1/auth/login"  # what the gateway serves for officers' logins
DEMO_LOGINS = [  # (username, level, unit, access): what `members.manage load-demo` creates
    ("demo.central", "central", "VN Trung ương", "ADMIN: all, plus units, officers, webhooks"),
    ("demo.province", "province", "01 Thành phố Hà Nội", "ADMIN: all, plus units, officers, webhooks"),
    ("demo.commune", "commune", "00070 Phường Hoàn Kiếm", "OFFICER: members, funds, evaluations"),
    ("demo.chair", "commune", "00070 Phường Hoàn Kiếm", "OFFICER: approves what demo.commune proposes"),
    ("demo.grassroots", "grassroots", "00070-G0001 (under 00070)", "OFFICER: members, funds, evaluations"),
    ("demo.viewer", "commune", "00070 Phường Hoàn Kiếm", "VIEWER: read only"),
]

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "var" / "data"
LOG_DIR = REPO / "var" / "log"
DEMO_MARKER = DATA_DIR / ".demo-loaded"

COMMAND_TIMEOUT = 300  # seconds for one migrate or load-demo run
STOP_GRACE = 10  # seconds between SIGTERM and SIGKILL when stopping
TAIL_LINES = 25  # lines of a process's log shown when it fails


class StopRequestedError(Exception):
    """Raised from the signal handler: the user (or a supervisor) asked us to stop."""


class RunError(Exception):
    """A step failed; the message says which process and why."""

    def __init__(self, message: str, child: Child | None = None):
        super().__init__(message)
        self.child = child


# ----------------------------------------------------------------------------- output

_print_lock = threading.Lock()
_COLOURS = ["36", "35", "33", "32", "34", "31"]
_use_colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ


def say(text: str = "") -> None:
    with _print_lock:
        print(text, flush=True)


def paint(text: str, code: str) -> str:
    return f"\033[{code}m{text}\033[0m" if _use_colour else text


# ----------------------------------------------------------------------------- child processes

# Loaded once here: the child calls into it between fork and exec, where importing is unsafe.
_LIBC = None
if sys.platform.startswith("linux"):
    import ctypes

    _LIBC = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    """In the child, before exec: be killed if the runner dies without stopping it (say by SIGKILL).

    SIGKILL rather than SIGTERM: with the runner gone nobody would wait for a graceful stop, and an
    idle nameko process can sit on SIGTERM for up to a minute (see Child.wake).
    """
    if _LIBC is not None:
        pr_set_pdeathsig = 1
        _LIBC.prctl(pr_set_pdeathsig, signal.SIGKILL)


class Child:
    """One process whose output is echoed with a prefix, appended to a log file and kept for errors."""

    _count = 0

    def __init__(self, label: str, argv: list[str], env: dict[str, str], log_path: Path, port: int | None = None):
        self.label = label
        self.port = port  # the web port of a long-running process
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self.colour = _COLOURS[Child._count % len(_COLOURS)]
        Child._count += 1
        self.proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.argv,
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C in the terminal reaches only the runner, which then stops the
            # children in order instead of every process getting SIGINT at once.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self._reader = threading.Thread(target=self._pump, name=f"log-{self.label}", daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        prefix = paint(f"{self.label:>18} |", self.colour)
        with self.log_path.open("a", encoding="utf-8") as log:
            for raw in iter(self.proc.stdout.readline, b""):
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                log.write(line + "\n")
                log.flush()
                self.tail.append(line)
                say(f"{prefix} {line}")

    def wake(self) -> None:
        """Connect to the child's web port and hang up at once.

        `nameko run` handles SIGTERM by scheduling the stop on eventlet's hub, and a hub with nothing
        to do sleeps in epoll for up to 60 s: a process serving only HTTP then ignores SIGTERM for a
        minute. Any activity on one of its sockets wakes the hub, and the stop goes ahead.
        """
        if self.port is not None and self.poll() is None:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.3),
            ):
                pass

    def poll(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def finish_output(self, timeout: float = 2.0) -> None:
        if self._reader is not None:
            self._reader.join(timeout)

    def last_lines(self) -> str:
        self.finish_output(0.5)
        return "\n".join(f"    {line}" for line in self.tail) or "    (no output)"

    def signal_group(self, signum: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signum)  # the whole group: anything it spawned goes too


def stop_all(children: list[Child]) -> None:
    """SIGTERM every live child (newest first), wait up to STOP_GRACE seconds, then SIGKILL the rest."""
    alive = [c for c in reversed(children) if c.poll() is None]
    if not alive:
        return
    # A second Ctrl-C while stopping means "now": skip the grace period.
    hurry = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: hurry.set())
    say(f"stopping {', '.join(c.label for c in alive)} (Ctrl-C again to kill at once)")
    for child in alive:
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    next_wake = 0.0
    while any(c.poll() is None for c in alive) and time.monotonic() < deadline and not hurry.is_set():
        if time.monotonic() >= next_wake:
            for child in alive:
                child.wake()
            next_wake = time.monotonic() + 1
        time.sleep(0.1)
    for child in alive:
        if child.poll() is None:
            say(f"{child.label} did not stop within {STOP_GRACE}s: killing it")
            child.signal_group(signal.SIGKILL)
    for child in alive:
        if child.proc is not None:
            try:
                child.proc.wait(5)
            except subprocess.TimeoutExpired:
                say(f"{child.label} (pid {child.proc.pid}) is still there after SIGKILL")
        child.finish_output()


# ----------------------------------------------------------------------------- configuration


def env_name(service: Service) -> str:
    return service.name.upper()


def web_port(service: Service) -> int:
    if service is GATEWAY:
        value = os.environ.get("GATEWAY_PORT") or os.environ.get("GATEWAY_WEB_PORT")
    else:
        value = os.environ.get(f"{env_name(service)}_WEB_PORT")
    if not value:
        return service.web_port
    if not value.isdigit():
        raise RunError(
            f"{'GATEWAY_PORT' if service is GATEWAY else env_name(service) + '_WEB_PORT'}={value!r}"
            " is not a port number"
        )
    return int(value)


def database_url(service: Service) -> str:
    return os.environ.get(f"{env_name(service)}_DATABASE_URL") or f"sqlite:///{DATA_DIR / service.name}.db"


def python_path(service: Service) -> str:
    # services/shared, the process's own folder and, for a service, gateway/ as pytest's pythonpath has it;
    # never another service's folder, so an import across services fails here as it would in production.
    folders = [SHARED_FOLDER, service.folder]
    if service is not GATEWAY:
        folders.append(GATEWAY.folder)
    parts = [str(REPO / folder) for folder in folders]
    if os.environ.get("PYTHONPATH"):
        parts.append(os.environ["PYTHONPATH"])
    return os.pathsep.join(parts)


def base_env(services: list[Service], gateway: Service | None) -> dict[str, str]:
    """The environment every child gets: each service's database URL and web address, the broker."""
    env = dict(os.environ)
    env.setdefault("AMQP_URI", DEFAULT_AMQP_URI)
    env.setdefault("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    env["PYTHONUNBUFFERED"] = "1"  # lines as they happen, not when a buffer fills
    # eventlet's nine-line deprecation notice, raised where nameko's CLI imports it (RELIABILITY.md, fact 1);
    # its class cannot be named here without importing eventlet before nameko patches the standard library.
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS"), "ignore::Warning:nameko.cli.commands"]))
    for service in services:
        env[f"{env_name(service)}_DATABASE_URL"] = database_url(service)
        env[f"{env_name(service)}_WEB_ADDRESS"] = f"0.0.0.0:{web_port(service)}"
    if gateway is not None:
        env["GATEWAY_WEB_ADDRESS"] = f"0.0.0.0:{web_port(gateway)}"
    return env


def env_for(service: Service, common: dict[str, str]) -> dict[str, str]:
    return {**common, "PYTHONPATH": python_path(service)}


def present(service: Service) -> bool:
    return (REPO / service.folder / "config.yml").is_file()


# ----------------------------------------------------------------------------- steps


def run_command(label: str, argv: list[str], env: dict[str, str], log_path: Path, children: list[Child]) -> None:
    """Run a one-shot command as a supervised child and fail with its last lines if it fails."""
    child = Child(label, argv, env, log_path)
    children.append(child)
    child.start()
    assert child.proc is not None
    try:
        code = child.proc.wait(COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RunError(f"{label} did not finish within {COMMAND_TIMEOUT}s", child) from None
    child.finish_output()
    children.remove(child)
    if code != 0:
        raise RunError(f"{label} failed (exit code {code}): python {' '.join(argv[1:])}", child)


def _demo_key(url: str) -> str:
    # The marker keeps a digest of each database URL the demo went into (a URL may hold a password),
    # so pointing a service at another database loads the demo there too.
    return hashlib.sha256(url.encode()).hexdigest()


def demo_already_loaded(url: str) -> bool:
    return DEMO_MARKER.is_file() and _demo_key(url) in DEMO_MARKER.read_text(encoding="utf-8").split()


def prepare(service: Service, common: dict[str, str], load_demo: bool, children: list[Child]) -> bool:
    """Migrate, and load the demo unless it is there; True when this run loaded it."""
    env = env_for(service, common)
    log_path = LOG_DIR / f"{service.name}.log"
    python = sys.executable
    run_command(
        f"{service.name} migrate",
        [python, "-m", f"{service.name}.manage", "migrate"],
        env,
        log_path,
        children,
    )
    if service.demo and load_demo:
        url = database_url(service)
        if demo_already_loaded(url):
            marker = DEMO_MARKER.relative_to(REPO)
            say(f"{service.name}: demo data already loaded (delete {marker} or use --reset to load again)")
        else:
            run_command(
                f"{service.name} load-demo",
                [python, "-m", f"{service.name}.manage", "load-demo"],
                env,
                log_path,
                children,
            )
            with DEMO_MARKER.open("a", encoding="utf-8") as marker:
                marker.write(_demo_key(url) + "\n")
            return True
    return False


def finish_demo(service: Service, common: dict[str, str], children: list[Child]) -> None:
    """The part of a service's demo that needs the other services' demo events (they flow once all run)."""
    run_command(
        f"{service.name} load-demo --after-events",
        [sys.executable, "-m", f"{service.name}.manage", "load-demo", "--after-events"],
        env_for(service, common),
        LOG_DIR / f"{service.name}.log",
        children,
    )


def start(service: Service, common: dict[str, str], children: list[Child]) -> Child:
    argv = [
        sys.executable,
        "-m",
        "nameko",
        "run",
        "--config",
        str(REPO / service.folder / "config.yml"),
        # module:Class, not the bare module: `nameko run` would take every class of the module with
        # entrypoints, the gateway's handler mixins included, and refuse them for having no name.
        f"{service.name}.service:{service.name.capitalize()}Service",
    ]
    log_path = LOG_DIR / f"{service.name}.log"
    child = Child(service.name, argv, env_for(service, common), log_path, port=web_port(service))
    children.append(child)
    child.start()
    return child


def port_in_use(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# urllib would send even 127.0.0.1 through an http_proxy from the environment; never do that here.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def health_status(url: str) -> str:
    """'200' when healthy, otherwise a short description of what came back."""
    try:
        with _direct.open(url, timeout=2) as response:
            return str(response.status)
    except urllib.error.HTTPError as exc:
        return str(exc.code)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"no answer ({reason})"


def wait_healthy(started: list[tuple[Child, int]], timeout: float) -> None:
    pending = {child.label: (child, port) for child, port in started}
    last: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while pending:
        for label, (child, port) in list(pending.items()):
            code = child.poll()
            if code is not None:
                raise RunError(f"{label} {exit_description(code)} before it became healthy", child)
            last[label] = health_status(f"http://127.0.0.1:{port}/healthz")
            if last[label] == "200":
                say(f"{label} is healthy on port {port}")
                del pending[label]
        if pending and time.monotonic() > deadline:
            label, (child, port) = next(iter(pending.items()))
            raise RunError(
                f"{label} did not answer 200 on http://127.0.0.1:{port}/healthz within {timeout:.0f}s"
                f" (last: {last.get(label, 'nothing')})",
                child,
            )
        if pending:
            time.sleep(0.5)


def exit_description(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
        return f"was killed by signal {-code}"
    return f"exited with code {code}"


def supervise(children: list[Child]) -> None:
    """Block until a child exits (then fail) or a signal raises StopRequestedError."""
    while True:
        for child in children:
            code = child.poll()
            if code is not None:
                raise RunError(f"{child.label} {exit_description(code)} unexpectedly", child)
        time.sleep(0.5)


def banner(started: list[Service], skipped: list[Service], load_demo: bool) -> str:
    lines = ["", "=" * 78, " The platform is running. Ctrl-C stops everything.", ""]
    gateway_started = GATEWAY in started
    if gateway_started:
        base = f"http://127.0.0.1:{web_port(GATEWAY)}"
        lines += [
            f"   {'console':<22} {base}/   (sign in as demo.commune)",
            f"   {'API (gateway)':<22} {base}{API_PREFIX}",
            f"   {'OpenAPI document':<22} {base}{API_PREFIX}/openapi.json",
        ]
    for service in started:
        if service is not GATEWAY:
            lines.append(f"   {service.name + ' metrics':<22} http://127.0.0.1:{web_port(service)}/metrics")
    lines.append(f"   {'logs':<22} {LOG_DIR.relative_to(REPO)}/<name>.log")
    if skipped:
        lines.append(f"   {'not started':<22} {', '.join(s.name for s in skipped)} (no config.yml yet)")
    demo_service_started = any(s.demo for s in started)
    if demo_service_started and load_demo:
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        lines += [
            "",
            f" Demo logins (password {password}):",
            "",
            f"   {'username':<17}{'level':<12}{'unit':<27}role and access",
            f"   {'-' * 16:<17}{'-' * 11:<12}{'-' * 24:<25}{'-' * 9}",
        ]
        lines += [f"   {user:<17}{level:<12}{unit:<27}{access}" for user, level, unit, access in DEMO_LOGINS]
        if gateway_started:
            lines += [
                "",
                " Log in:",
                "",
                f"   curl -s -X POST http://127.0.0.1:{web_port(GATEWAY)}{LOGIN_PATH} \\",
                "        -H 'Content-Type: application/json' \\",
                f'        -d \'{{"username": "demo.commune", "password": "{password}"}}\'',
            ]
    elif demo_service_started:
        lines += ["", " Demo data: not loaded by this run (--no-demo)."]
    lines += ["=" * 78, ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- main


def _raise_stop(signum: int, _frame: object) -> None:
    raise StopRequestedError(signal.Signals(signum).name)


def run(args: argparse.Namespace, children: list[Child]) -> None:
    services = [s for s in SERVICES if present(s)]
    skipped = [s for s in SERVICES if not present(s)]
    for service in skipped:
        say(f"skipping {service.name}: {service.folder}/config.yml does not exist yet")
    gateway = GATEWAY if present(GATEWAY) else None
    if gateway is None:
        say(f"skipping the gateway: {GATEWAY.folder}/config.yml does not exist yet")
    processes = [*services, *([gateway] if gateway else [])]
    if not processes:
        raise RunError("nothing to run: no service folder has a config.yml yet")

    if args.reset and DATA_DIR.exists():
        say(f"--reset: deleting {DATA_DIR.relative_to(REPO)}")
        shutil.rmtree(DATA_DIR)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)

    busy = [(p.name, web_port(p)) for p in processes if port_in_use(web_port(p))]
    if busy:
        raise RunError(
            "ports already in use: "
            + ", ".join(f"{port} ({name})" for name, port in busy)
            + ". Is another `make run` still running? Stop it, or choose other ports"
            " (GATEWAY_PORT, <NAME>_WEB_PORT)."
        )

    for process in processes:  # a fresh log per run; the terminal has shown the old one
        (LOG_DIR / f"{process.name}.log").write_text("", encoding="utf-8")

    common = base_env(services, gateway)
    if args.reset:
        # Events about the deleted data would otherwise wait in the consumers' queues for services to come.
        say("--reset: emptying the platform's queues on the broker")
        purge = [sys.executable, "-m", "servicekit.topology", "purge"]
        run_command("purge queues", purge, env_for(services[0], common), LOG_DIR / "reset.log", children)
    fresh_demo = [s for s in services if prepare(s, common, load_demo=not args.no_demo, children=children)]

    started = [(start(process, common, children), web_port(process)) for process in processes]
    wait_healthy(started, args.timeout)
    for service in fresh_demo:
        if service.demo_after_events:
            finish_demo(service, common, children)
    say(banner(processes, skipped, load_demo=not args.no_demo))
    supervise(children)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="delete var/data (every local database) and empty the platform's queues first",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("STARTUP_TIMEOUT", "90")),
        help="seconds to wait for every /healthz (default 90, or STARTUP_TIMEOUT)",
    )
    args = parser.parse_args(argv)

    if importlib.util.find_spec("nameko") is None:
        # Started with a Python outside the venv: use the venv's if there is one.
        venv_python = REPO / ".venv" / "bin" / "python"
        if venv_python.is_file() and Path(sys.executable) != venv_python:
            os.execv(venv_python, [str(venv_python), __file__, *sys.argv[1:]])  # noqa: S606 (our own venv)
        say("nameko is not installed for this Python: run `make run` (or `make venv` first)")
        return 1

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # SIGHUP: the terminal went away
        signal.signal(signum, _raise_stop)
    children: list[Child] = []
    try:
        run(args, children)
        return 0  # not reached: supervise() only leaves by an exception
    except StopRequestedError as stop:
        say(f"\n{stop}: stopping")
        return 0
    except RunError as failure:
        say(paint(f"\nERROR: {failure}", "31;1"))
        if failure.child is not None:
            say(f"  last lines of {failure.child.label} ({failure.child.log_path.relative_to(REPO)}):")
            say(failure.child.last_lines())
        return 1
    finally:
        stop_all(children)


if __name__ == "__main__":
    sys.exit(main())
