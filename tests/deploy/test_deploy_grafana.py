"""The Grafana dashboard: the committed JSON is what deploy/grafana/generate_dashboard.py writes, every
query is valid PromQL (promtool parses each as a recording rule), names only metrics the platform
defines, and every service has its row. Whether each query finds its series on running services is
tests/e2e/test_dashboard_series_e2e.py."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from servicekit import metrics

REPO = Path(__file__).resolve().parents[2]
GRAFANA = REPO / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "platform.json"
SERVICES = ["gateway", "members", "funds", "evaluations", "notifications"]

# Business counters the dashboard reads: <service>_<name>_total (servicekit.business) or the notifications
# service's own. Listed in deploy/README.md, "Metrics", for the services' authors.
BUSINESS = {
    "members_registered_total",
    "funds_donations_vnd_total",
    "funds_disbursed_vnd_total",
    "evaluations_completed_total",
    "notifications_sent_total",
    "notifications_failed_total",
    "notifications_dead_total",
}
# A metric in PromQL is a name followed by its selector {...} or its range [...].
METRIC = re.compile(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)(?=\{|\[)")


def kit_metric_names():
    names = set()
    for value in vars(metrics).values():
        describe = getattr(value, "describe", None)
        if describe and hasattr(value, "_name"):
            for family in describe():
                names.add(family.name + "_total" if family.type == "counter" else family.name)
                if family.type == "histogram":
                    names.add(family.name + "_bucket")
    return names


def queries():
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [(p["title"], t["expr"]) for p in board["panels"] if p["type"] != "row" for t in p["targets"]]


def test_the_committed_dashboard_is_the_generators_output():
    result = subprocess.run(
        [sys.executable, str(GRAFANA / "generate_dashboard.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_query_names_only_metrics_the_platform_defines():
    known = kit_metric_names() | BUSINESS
    assert {"rpc_requests_total", "outbox_backlog", "rpc_request_duration_seconds_bucket"} <= known
    used = {name for _, expr in queries() for name in METRIC.findall(expr)}
    assert used - known == set()
    assert used >= BUSINESS


def test_every_service_has_a_row_and_its_queries_select_it():
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    rows = [p["title"] for p in board["panels"] if p["type"] == "row"]
    assert len(rows) == 1 + len(SERVICES)
    for service in SERVICES:
        assert any(f"({service})" in title for title in rows), service
        assert any(f'service="{service}"' in expr for _, expr in queries()), service


def test_panels_use_the_provisioned_datasource():
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    [variable] = board["templating"]["list"]
    provisioned = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert variable["current"]["value"] == provisioned["datasources"][0]["uid"]
    for item in board["panels"]:
        if item["type"] != "row":
            assert item["datasource"]["uid"] == "${datasource}", item["title"]


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool is not installed: run deploy/local/ensure-tools.sh"
)
def test_every_query_is_valid_promql(tmp_path):
    # Grafana's own variables are not PromQL: give them the values Grafana would.
    rules = [
        {"record": f"dashboard:query_{i}", "expr": expr.replace("$__rate_interval", "1m").replace("$__range", "6h")}
        for i, (_, expr) in enumerate(queries())
    ]
    path = tmp_path / "queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8")
    result = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout
