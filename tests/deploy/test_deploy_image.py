"""The image's entrypoint, run here as the image runs it (APP_HOME = this repository, the venv's Python on
PATH): it refuses an unknown service, migrates a service's database, and knows the gateway has none. The
Dockerfile runs as a non-root user and uses that entrypoint. (Building the image needs a Docker daemon:
not done here.)"""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect

REPO = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO / "deploy" / "docker" / "entrypoint.sh"


def run(*args, **env):
    environment = {
        **os.environ,
        "APP_HOME": str(REPO),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        **env,
    }
    environment.pop("PYTHONPATH", None)  # the entrypoint sets it, as in the image
    return subprocess.run([str(ENTRYPOINT), *args], env=environment, capture_output=True, text=True, timeout=120)


def test_a_service_must_be_named_and_known():
    result = run("migrate")
    assert result.returncode == 64 and "say which service" in result.stderr
    result = run("migrate", SERVICE="payroll")
    assert result.returncode == 64 and "unknown service 'payroll'" in result.stderr


def test_migrate_brings_the_services_database_to_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'members.db'}"
    result = run("members", "migrate", MEMBERS_DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    tables = inspect(create_engine(url)).get_table_names()
    assert {"members_alembic_version", "outbox", "members"} <= set(tables)


def test_the_gateway_has_nothing_to_migrate():
    result = run("gateway", "migrate")
    assert result.returncode == 0 and "gateway has no database to migrate" in result.stdout


def test_the_image_runs_the_entrypoint_as_a_non_root_user():
    dockerfile = (REPO / "deploy" / "docker" / "Dockerfile").read_text(encoding="utf-8")
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    assert "COPY deploy/docker/entrypoint.sh /usr/local/bin/khuyenhoc-entrypoint" in dockerfile
    assert 'ENTRYPOINT ["/usr/local/bin/khuyenhoc-entrypoint"]' in dockerfile
    assert os.access(ENTRYPOINT, os.X_OK)
