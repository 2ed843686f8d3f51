"""The Kubernetes manifests, validated offline: `kubectl kustomize` builds the base and the production
overlay; every built-in object is checked against the Kubernetes OpenAPI schemas (kubernetes-validate,
strict: an unknown field is an error); the operators' objects (RabbitmqCluster, CloudNativePG Cluster,
ServiceMonitor, PrometheusRule) against the fields those operators require; then what the platform needs
of them: per service a Deployment with probes, preStop and a long enough grace period, its Service,
autoscaler, disruption budget, ServiceMonitor and migrations Job, each with the secrets it reads."""

import copy
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
KUBECTL = shutil.which("kubectl")
KUBERNETES_VERSION = "1.32"
SERVICES = {"gateway": 8000, "members": 8001, "funds": 8002, "evaluations": 8003, "notifications": 8004}
WITH_DATABASE = ["members", "funds", "evaluations", "notifications"]
LONGEST_HANDLER_SECONDS = 10  # RPC deadline, outbox confirm timeout (servicekit/config.py)

kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="kubernetes-validate is not installed: run deploy/local/ensure-tools.sh"
)
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed (needed for `kubectl kustomize`)")


def build(folder):
    result = subprocess.run([KUBECTL, "kustomize", str(folder)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [o for o in yaml.safe_load_all(result.stdout) if o]


@pytest.fixture(scope="module")
def base():
    return build(K8S / "base")


@pytest.fixture(scope="module")
def production():
    return build(K8S / "overlays" / "production")


def find(objects, kind, name=None):
    found = [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]
    assert found, f"no {kind} {name or ''}"
    return found if name is None else found[0]


# The operators' resources: the fields their CRDs require and the types the platform relies on.
_NAMED = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}}
CRD_SCHEMAS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": _NAMED,
            "spec": {
                "type": "object",
                "required": ["replicas"],
                "properties": {
                    "replicas": {"type": "integer", "minimum": 1},
                    "persistence": {"type": "object", "properties": {"storage": {"type": "string"}}},
                    "rabbitmq": {
                        "type": "object",
                        "properties": {
                            "additionalPlugins": {"type": "array", "items": {"type": "string"}},
                            "additionalConfig": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
    ("postgresql.cnpg.io/v1", "Cluster"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": _NAMED,
            "spec": {
                "type": "object",
                "required": ["instances", "storage"],
                "properties": {
                    "instances": {"type": "integer", "minimum": 1},
                    "storage": {"type": "object", "required": ["size"], "properties": {"size": {"type": "string"}}},
                    "bootstrap": {
                        "type": "object",
                        "properties": {
                            "initdb": {
                                "type": "object",
                                "required": ["database", "owner"],
                                "properties": {"database": {"type": "string"}, "owner": {"type": "string"}},
                            }
                        },
                    },
                },
            },
        },
    },
    ("monitoring.coreos.com/v1", "ServiceMonitor"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": _NAMED,
            "spec": {
                "type": "object",
                "required": ["selector", "endpoints"],
                "properties": {
                    "selector": {"type": "object", "required": ["matchLabels"]},
                    "endpoints": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "object", "required": ["port"], "properties": {"path": {"type": "string"}}},
                    },
                },
            },
        },
    },
    ("monitoring.coreos.com/v1", "PrometheusRule"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": _NAMED,
            "spec": {
                "type": "object",
                "required": ["groups"],
                "properties": {
                    "groups": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "rules"],
                            "properties": {
                                "rules": {
                                    "type": "array",
                                    "items": {"type": "object", "required": ["expr"]},
                                }
                            },
                        },
                    }
                },
            },
        },
    },
}


def validate(obj):
    schema = CRD_SCHEMAS.get((obj["apiVersion"], obj["kind"]))
    if schema is not None:
        jsonschema.validate(obj, schema)
    else:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", ["base", "production"])
def test_every_built_object_is_valid(overlay, request):
    objects = request.getfixturevalue(overlay)
    crds = [o for o in objects if (o["apiVersion"], o["kind"]) in CRD_SCHEMAS]
    assert len(crds) == 1 + 4 + 6 + 1  # RabbitmqCluster, four Clusters, six ServiceMonitors, one PrometheusRule
    for obj in objects:
        validate(obj)
        assert obj["metadata"].get("namespace", "khuyenhoc") == "khuyenhoc"


def test_the_validation_rejects_a_wrong_field(base):
    """Strict validation is not vacuous: a misspelt field and a wrong type are both refused."""
    deployment = copy.deepcopy(find(base, "Deployment", "members"))
    deployment["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)
    cluster = copy.deepcopy(find(base, "RabbitmqCluster", "rabbitmq"))
    cluster["spec"]["replicas"] = "three"
    with pytest.raises(jsonschema.ValidationError):
        validate(cluster)


def test_the_committed_manifests_are_the_generators_output():
    result = subprocess.run([sys.executable, str(K8S / "generate.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def container_of(deployment):
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return container


def env_of(container):
    return {e["name"]: e for e in container.get("env", [])}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_deployment_is_probed_drained_and_stopped_gracefully(base, name):
    deployment = find(base, "Deployment", name)
    pod = deployment["spec"]["template"]["spec"]
    container = container_of(deployment)
    assert container["args"] == [name, "run"]
    assert [p["containerPort"] for p in container["ports"]] == [SERVICES[name]]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    pause = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    assert pause > 0 and pod["terminationGracePeriodSeconds"] > pause + LONGEST_HANDLER_SECONDS
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["resources"]["requests"]["cpu"] and container["resources"]["limits"]["memory"]
    env = env_of(container)
    assert env["MIGRATE_ON_START"]["value"] == "false"  # the Job migrates, replicas never race each other
    assert env[f"{name.upper()}_WEB_ADDRESS"]["value"] == f"0.0.0.0:{SERVICES[name]}"
    assert env["AMQP_URI"]["value"].endswith("@rabbitmq:5672//")
    assert env["RABBITMQ_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "rabbitmq-default-user"
    assert container["envFrom"] == [{"configMapRef": {"name": "platform-config"}}]
    find(base, "ConfigMap", "platform-config")


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_has_its_service_autoscaler_budget_and_monitor(base, name):
    deployment = find(base, "Deployment", name)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    service = find(base, "Service", name)
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["port"] == SERVICES[name]
    hpa = find(base, "HorizontalPodAutoscaler", name)
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    assert hpa["spec"]["minReplicas"] == deployment["spec"]["replicas"] < hpa["spec"]["maxReplicas"]
    pdb = find(base, "PodDisruptionBudget", name)
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    monitor = find(base, "ServiceMonitor", name)
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["endpoints"][0]["port"] == service["spec"]["ports"][0]["name"]
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"


@pytest.mark.parametrize("name", WITH_DATABASE)
def test_each_database_service_has_its_own_cluster_and_a_migrations_job_that_declares_the_topology(base, name):
    cluster = find(base, "Cluster", f"{name}-db")
    assert cluster["spec"]["bootstrap"]["initdb"] == {"database": name, "owner": name}
    url = env_of(container_of(find(base, "Deployment", name)))[f"{name.upper()}_DATABASE_URL"]
    assert url["valueFrom"]["secretKeyRef"] == {"name": f"{name}-db-app", "key": "uri"}  # CloudNativePG's
    job = find(base, "Job", f"{name}-migrate")
    spec = job["spec"]["template"]["spec"]
    [topology] = spec["initContainers"]
    [migrate] = spec["containers"]
    assert topology["args"] == ["topology"] and migrate["args"] == [name, "migrate"]
    assert env_of(migrate)[f"{name.upper()}_DATABASE_URL"] == url


def test_the_gateway_reads_its_token_key_from_the_secret_and_has_no_database(base):
    env = env_of(container_of(find(base, "Deployment", "gateway")))
    assert env["GATEWAY_JWT_SECRET"]["valueFrom"]["secretKeyRef"]["name"] == "platform-secrets"
    assert not [key for key in env if key.endswith("_DATABASE_URL")]
    assert "GATEWAY_JWT_SECRET" in find(base, "Secret", "platform-secrets")["stringData"]


def test_rabbitmq_is_a_three_node_cluster_with_its_prometheus_plugin(base):
    cluster = find(base, "RabbitmqCluster", "rabbitmq")
    assert cluster["spec"]["replicas"] == 3
    assert "rabbitmq_prometheus" in cluster["spec"]["rabbitmq"]["additionalPlugins"]


def test_the_alert_rules_are_those_of_deploy_prometheus(base):
    rules = find(base, "PrometheusRule", "platform-alerts")
    alerts = yaml.safe_load((REPO / "deploy" / "prometheus" / "alerts.yml").read_text(encoding="utf-8"))
    assert rules["spec"]["groups"] == alerts["groups"]


def test_production_scales_each_service_on_its_own_and_sizes_its_databases(base, production):
    replicas = {name: find(production, "Deployment", name)["spec"]["replicas"] for name in SERVICES}
    assert all(replicas[name] > find(base, "Deployment", name)["spec"]["replicas"] for name in SERVICES)
    for name in SERVICES:
        hpa = find(production, "HorizontalPodAutoscaler", name)
        assert hpa["spec"]["minReplicas"] == replicas[name] < hpa["spec"]["maxReplicas"]
        container = container_of(find(production, "Deployment", name))
        assert container["image"].endswith(":1.0.0")
        base_memory = container_of(find(base, "Deployment", name))["resources"]["limits"]["memory"]
        assert container["resources"]["limits"]["memory"] != base_memory
    assert all(c["spec"]["instances"] == 3 for c in find(production, "Cluster"))
    assert find(production, "RabbitmqCluster", "rabbitmq")["spec"]["replicas"] == 3
