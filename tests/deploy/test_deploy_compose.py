"""deploy/compose/compose.yml, read as YAML and checked for what the platform needs to start in order:
each service has its own database (and only its own), a health check, and waits for the broker, the
database, the topology and its migrations; the files it mounts exist; Prometheus scrapes every service
on the port it serves. `docker compose config` checks it too where Docker Compose is installed."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "deploy" / "compose" / "compose.yml"
SERVICES = {"members": 8001, "funds": 8002, "evaluations": 8003, "notifications": 8004}
PROCESSES = {**SERVICES, "gateway": 8000}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]


def environment(spec):
    env = spec.get("environment", {})
    return env if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


def healthcheck_url(spec):
    return " ".join(spec["healthcheck"]["test"])


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_has_its_own_database_only(compose, name):
    env = environment(compose[name])
    urls = {key: value for key, value in env.items() if key.endswith("_DATABASE_URL")}
    assert list(urls) == [f"{name.upper()}_DATABASE_URL"]
    url = urls[f"{name.upper()}_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg2://") and url.endswith(f"@postgres:5432/{name}")
    assert environment(compose[f"{name}-migrate"])[f"{name.upper()}_DATABASE_URL"] == url


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_each_process_waits_for_what_it_needs_and_reports_readiness(compose, name):
    spec = compose[name]
    depends = spec["depends_on"]
    assert depends["rabbitmq"]["condition"] == "service_healthy"
    assert depends["topology"]["condition"] == "service_completed_successfully"
    if name in SERVICES:
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends[f"{name}-migrate"]["condition"] == "service_completed_successfully"
        assert environment(spec)["MIGRATE_ON_START"] == "false"  # the one-shot migrates, replicas never do
    assert f"127.0.0.1:{PROCESSES[name]}/readyz" in healthcheck_url(spec)
    assert environment(spec)[f"{name.upper()}_WEB_ADDRESS"] == f"0.0.0.0:{PROCESSES[name]}"
    assert spec["command"] == [name, "run"]


def test_every_process_and_one_shot_runs_the_one_image(compose):
    built = {name: spec for name, spec in compose.items() if "build" in spec}
    assert set(built) == {*PROCESSES, *(f"{s}-migrate" for s in SERVICES), "topology"}
    assert {spec["image"] for spec in built.values()} == {"${PLATFORM_IMAGE:-khuyenhoc/platform:dev}"}
    assert {spec["build"]["dockerfile"] for spec in built.values()} == {"deploy/docker/Dockerfile"}
    for spec in built.values():
        assert (COMPOSE.parent / spec["build"]["context"] / spec["build"]["dockerfile"]).is_file()


def test_the_topology_is_declared_before_any_service_and_migrations_wait_for_the_database(compose):
    assert compose["topology"]["command"] == ["topology"]
    assert compose["topology"]["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    for name in SERVICES:
        migrate = compose[f"{name}-migrate"]
        assert migrate["command"] == [name, "migrate"] and migrate["restart"] == "no"
        assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_broker_has_its_prometheus_plugin_and_the_database_one_database_per_service(compose):
    plugins = COMPOSE.parent / "rabbitmq" / "enabled_plugins"
    assert "rabbitmq_prometheus" in plugins.read_text() and "rabbitmq_management" in plugins.read_text()
    assert any(
        v.startswith("./rabbitmq/enabled_plugins:/etc/rabbitmq/enabled_plugins") for v in compose["rabbitmq"]["volumes"]
    )
    init = [v for v in compose["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v]
    assert init and (COMPOSE.parent / init[0].split(":")[0]).is_file()
    postgres_env = environment(compose["postgres"])
    assert all(f"{name.upper()}_DB_PASSWORD" in postgres_env for name in SERVICES)


def test_every_mounted_file_exists(compose):
    for name, spec in compose.items():
        for volume in spec.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (COMPOSE.parent / source).exists(), f"{name} mounts {source}, which does not exist"


def test_prometheus_scrapes_every_process_on_its_port_and_loads_the_alert_rules(compose):
    config = yaml.safe_load((REPO / "deploy" / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for name, port in PROCESSES.items():
        [discovery] = jobs[name]["dns_sd_configs"]
        assert (discovery["names"], discovery["port"]) == ([name], port)
    assert jobs["rabbitmq"]["static_configs"][0]["targets"] == ["rabbitmq:15692"]
    mounts = {v.split(":")[1] for v in compose["prometheus"]["volumes"] if v.startswith("..")}
    assert {"/etc/prometheus/prometheus.yml", "/etc/prometheus/alerts.yml"} <= mounts
    assert config["rule_files"] == ["alerts.yml"]  # beside prometheus.yml, where compose mounts it


def test_grafana_gets_the_provisioning_and_the_dashboards(compose):
    mounts = dict(v.split(":")[:2] for v in compose["grafana"]["volumes"] if v.startswith(".."))
    assert mounts["../grafana/provisioning"] == "/etc/grafana/provisioning"
    assert mounts["../grafana/dashboards"] == "/var/lib/grafana/dashboards"
    provider = yaml.safe_load((REPO / "deploy/grafana/provisioning/dashboards/platform.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def _docker_compose():
    if shutil.which("docker") is None:
        return None
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=30)
    return ["docker", "compose"] if probe.returncode == 0 else None


def test_docker_compose_accepts_the_file():
    command = _docker_compose()
    if command is None:
        pytest.skip("Docker Compose is not installed (`docker compose version` fails): checked as YAML only")
    result = subprocess.run(
        [*command, "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
