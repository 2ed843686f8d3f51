"""The Prometheus configuration and alert rules, checked by promtool: the configuration loads, the rules
parse, and deploy/prometheus/alerts_test.yml (each alert firing on its situation and silent on its
neighbour) passes. promtool comes from deploy/local/ensure-tools.sh (Debian's prometheus package)."""

import shutil
import subprocess
from pathlib import Path

import pytest

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
PROMTOOL = shutil.which("promtool")

pytestmark = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is not installed: run deploy/local/ensure-tools.sh (apt: prometheus)"
)


def promtool(*args, cwd=PROMETHEUS):
    return subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_the_scrape_configuration_loads_with_its_rules():
    result = promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alert_rules_parse():
    result = promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 9 rules found" in result.stdout


def test_every_alert_fires_when_it_should_and_only_then():
    result = promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_unit_tests_can_fail(tmp_path):
    """A rule with a wrong threshold fails alerts_test.yml: the tests are not vacuous."""
    shutil.copy(PROMETHEUS / "alerts_test.yml", tmp_path)
    rules = (PROMETHEUS / "alerts.yml").read_text(encoding="utf-8")
    (tmp_path / "alerts.yml").write_text(rules.replace("> 0.05", "> 0.5"), encoding="utf-8")
    result = promtool("test", "rules", "alerts_test.yml", cwd=tmp_path)
    assert result.returncode != 0 and "RpcErrorRatioHigh" in result.stdout + result.stderr
