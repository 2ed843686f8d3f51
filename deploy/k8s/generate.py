"""Writes the per-service manifests of deploy/k8s/base from one table.

    python deploy/k8s/generate.py           # rewrite base/services/*.yaml, base/postgres.yaml, the alert rules
    python deploy/k8s/generate.py --check   # exit 1 if a committed file is not what this writes

Five services need the same nine objects each (Deployment, Service, HorizontalPodAutoscaler,
PodDisruptionBudget, ServiceMonitor, migrations Job, PostgreSQL Cluster ...), differing only in name,
port, database and sizes: a table here is easier to review and keep consistent than 1,500 lines of
copies. Kustomize (base/kustomization.yaml, overlays/) stays the way to adapt a deployment; tests/deploy
builds both with `kubectl kustomize` and validates every object. The PrometheusRule is
deploy/prometheus/alerts.yml, so compose and Kubernetes alert alike.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
BASE = HERE / "base"
ALERTS = HERE.parent / "prometheus" / "alerts.yml"
IMAGE = "khuyenhoc/platform"  # the overlays set the registry and tag (kustomize `images:`)
PART_OF = "khuyenhoc"

# The longest a worker can run: an RPC caller's deadline (RPC_TIMEOUT_SECONDS, 10 s), the outbox relay's
# wait for confirms (OUTBOX_CONFIRM_TIMEOUT_SECONDS, 10 s), an event handler's retry pause (5 s at most).
LONGEST_HANDLER_SECONDS = 10
# After SIGTERM nameko stops taking work and waits for running workers; before it, preStop keeps the pod
# serving while the endpoints controller and kube-proxy stop sending it traffic.
PRE_STOP_SECONDS = 10
# Grace = preStop + the longest handler + nameko's own shutdown (closing consumers, the relay's last round).
TERMINATION_GRACE_SECONDS = 60


@dataclass(frozen=True)
class Svc:
    name: str
    port: int
    database: bool = True
    replicas: int = 2
    max_replicas: int = 6
    cpu: str = "100m"
    memory: str = "256Mi"
    memory_limit: str = "512Mi"
    db_storage: str = "5Gi"


SERVICES = [
    Svc("gateway", 8000, database=False, replicas=2, max_replicas=10, cpu="200m"),
    Svc("members", 8001, replicas=2, max_replicas=8, cpu="200m", memory="384Mi", memory_limit="768Mi"),
    Svc("funds", 8002),
    Svc("evaluations", 8003),
    Svc("notifications", 8004),
]


def labels(svc, component="service"):
    return {
        "app.kubernetes.io/name": svc.name,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/component": component,
    }


def selector(svc):
    return {"app.kubernetes.io/name": svc.name, "app.kubernetes.io/component": "service"}


def env_var(name, value):
    return {"name": name, "value": value}


def env_from_secret(name, secret, key):
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def broker_env():
    # The RabbitMQ Cluster Operator keeps the default user in <cluster>-default-user; $(VAR) is expanded by
    # the kubelet from variables defined before it in the list.
    return [
        env_from_secret("RABBITMQ_USERNAME", "rabbitmq-default-user", "username"),
        env_from_secret("RABBITMQ_PASSWORD", "rabbitmq-default-user", "password"),
        env_var("AMQP_URI", "pyamqp://$(RABBITMQ_USERNAME):$(RABBITMQ_PASSWORD)@rabbitmq:5672//"),
    ]


def service_env(svc):
    env = [*broker_env(), env_var("MIGRATE_ON_START", "false")]
    env.append(env_var(f"{svc.name.upper()}_WEB_ADDRESS", f"0.0.0.0:{svc.port}"))
    if svc.database:
        # CloudNativePG's application secret: `uri` is postgresql://user:password@<cluster>-rw.<ns>:5432/<db>,
        # which SQLAlchemy reads with psycopg2, the services' driver.
        env.append(env_from_secret(f"{svc.name.upper()}_DATABASE_URL", f"{svc.name}-db-app", "uri"))
    if svc.name == "gateway":
        env.append(env_from_secret("GATEWAY_JWT_SECRET", "platform-secrets", "GATEWAY_JWT_SECRET"))
    return env


POD_SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": 10001,
    "runAsGroup": 10001,
    "fsGroup": 10001,
    "seccompProfile": {"type": "RuntimeDefault"},
}
CONTAINER_SECURITY = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}
SCRATCH_VOLUMES = [{"name": "tmp", "emptyDir": {}}, {"name": "var", "emptyDir": {}}]
SCRATCH_MOUNTS = [{"name": "tmp", "mountPath": "/tmp"}, {"name": "var", "mountPath": "/app/var"}]  # noqa: S108


def probe(path, period, failures, initial=0):
    result = {
        "httpGet": {"path": path, "port": "http"},
        "periodSeconds": period,
        "timeoutSeconds": 3,
        "failureThreshold": failures,
    }
    if initial:
        result["initialDelaySeconds"] = initial
    return result


def deployment(svc):
    container = {
        "name": svc.name,
        "image": IMAGE,
        "args": [svc.name, "run"],
        "envFrom": [{"configMapRef": {"name": "platform-config"}}],
        "env": service_env(svc),
        "ports": [{"name": "http", "containerPort": svc.port, "protocol": "TCP"}],
        # Started: the web port answers (migrations are the Job's; the broker connection comes first).
        "startupProbe": probe("/healthz", 2, 30),
        # Alive: the process serves HTTP. Never the database or the broker here: their outage would
        # restart every pod at once and fix nothing.
        "livenessProbe": probe("/healthz", 10, 6),
        # Ready: the database and the broker answer (servicekit.ops, checks bounded to 2 s and cached).
        "readinessProbe": probe("/readyz", 5, 3),
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", str(PRE_STOP_SECONDS)]}}},
        "resources": {
            "requests": {"cpu": svc.cpu, "memory": svc.memory},
            "limits": {"memory": svc.memory_limit},
        },
        "securityContext": CONTAINER_SECURITY,
        "volumeMounts": SCRATCH_MOUNTS,
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": svc.name, "labels": labels(svc)},
        "spec": {
            "replicas": svc.replicas,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector(svc)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {
                "metadata": {"labels": labels(svc)},
                "spec": {
                    "terminationGracePeriodSeconds": TERMINATION_GRACE_SECONDS,
                    "securityContext": POD_SECURITY,
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "kubernetes.io/hostname",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": selector(svc)},
                        }
                    ],
                    "containers": [container],
                    "volumes": SCRATCH_VOLUMES,
                },
            },
        },
    }


def service(svc):
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": svc.name, "labels": labels(svc)},
        "spec": {
            "selector": selector(svc),
            "ports": [{"name": "http", "port": svc.port, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def autoscaler(svc):
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": svc.name, "labels": labels(svc)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": svc.name},
            "minReplicas": svc.replicas,
            "maxReplicas": svc.max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
            # Scale in slowly: a removed replica's consumers hand their unacked messages back (redelivered).
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
        },
    }


def disruption_budget(svc):
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": svc.name, "labels": labels(svc)},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(svc)}},
    }


def service_monitor(svc):
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": svc.name, "labels": labels(svc)},
        "spec": {
            # job="<service>", as deploy/prometheus/prometheus.yml names the compose jobs: one set of rules.
            "jobLabel": "app.kubernetes.io/name",
            "selector": {"matchLabels": selector(svc)},
            "endpoints": [{"port": "http", "path": "/metrics", "interval": "15s", "scrapeTimeout": "10s"}],
        },
    }


def migrations_job(svc):
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": f"{svc.name}-migrate", "labels": labels(svc, "migrations")},
        "spec": {
            "backoffLimit": 6,
            # A finished Job is removed after a day; the next `kubectl apply` creates it again and it runs
            # again (migrations are idempotent). To run it with a new image sooner: delete it, then apply.
            "ttlSecondsAfterFinished": 86400,
            "template": {
                "metadata": {"labels": labels(svc, "migrations")},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "securityContext": POD_SECURITY,
                    # First the broker topology (every exchange, quorum queue and dead-letter queue), so no
                    # event is published before its queues exist; then the schema.
                    "initContainers": [
                        {
                            "name": "topology",
                            "image": IMAGE,
                            "args": ["topology"],
                            "env": broker_env(),
                            "securityContext": CONTAINER_SECURITY,
                            "volumeMounts": SCRATCH_MOUNTS,
                            "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                        }
                    ],
                    "containers": [
                        {
                            "name": "migrate",
                            "image": IMAGE,
                            "args": [svc.name, "migrate"],
                            "envFrom": [{"configMapRef": {"name": "platform-config"}}],
                            "env": service_env(svc),
                            "securityContext": CONTAINER_SECURITY,
                            "volumeMounts": SCRATCH_MOUNTS,
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "256Mi"},
                                "limits": {"memory": "512Mi"},
                            },
                        }
                    ],
                    "volumes": SCRATCH_VOLUMES,
                },
            },
        },
    }


def database_cluster(svc):
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {"name": f"{svc.name}-db", "labels": labels(svc, "database")},
        "spec": {
            "instances": 1,
            "storage": {"size": svc.db_storage},
            "bootstrap": {"initdb": {"database": svc.name, "owner": svc.name}},
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
            "monitoring": {"enablePodMonitor": True},
        },
    }


def prometheus_rule():
    alerts = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "platform-alerts", "labels": {"app.kubernetes.io/part-of": PART_OF}},
        "spec": {"groups": alerts["groups"]},
    }


class _NoAliases(yaml.SafeDumper):
    """Writes a shared dict (the security context of two containers) twice instead of as a YAML alias."""

    def ignore_aliases(self, data):
        return True


def dump(objects, header):
    text = "".join(
        "---\n" + yaml.dump(o, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=120) for o in objects
    )
    return f"# {header}\n# Generated by deploy/k8s/generate.py: edit that, not this file.\n{text}"


def files():
    out = {}
    for svc in SERVICES:
        objects = [deployment(svc), service(svc), autoscaler(svc), disruption_budget(svc), service_monitor(svc)]
        if svc.database:
            objects.append(migrations_job(svc))
        out[BASE / "services" / f"{svc.name}.yaml"] = dump(objects, f"The {svc.name} service.")
    out[BASE / "postgres.yaml"] = dump(
        [database_cluster(s) for s in SERVICES if s.database],
        "One PostgreSQL cluster per service (CloudNativePG): services never share a database.",
    )
    out[BASE / "monitoring" / "prometheusrule.yaml"] = dump(
        [prometheus_rule()], "The alert rules of deploy/prometheus/alerts.yml for the Prometheus Operator."
    )
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed file differs")
    args = parser.parse_args(argv)
    stale = []
    for path, text in files().items():
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent.parent)}")
    if stale:
        print("not up to date (run python deploy/k8s/generate.py): " + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
