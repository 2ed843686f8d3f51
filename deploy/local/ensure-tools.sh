#!/usr/bin/env bash
# Make sure the tools that validate deploy/ are here: promtool (Debian's `prometheus` package) for the
# alert rules, kubernetes-validate (PyPI, with the Kubernetes OpenAPI schemas inside) for the manifests.
# kubectl (for `kubectl kustomize`) is reported when missing, not installed: Debian 12 does not ship it.
#
#   deploy/local/ensure-tools.sh
#
# Quiet and quick when everything is present. The prometheus package's daemon is never left running:
# only promtool is wanted, and a Prometheus listening on 9090 would surprise whoever runs the tests.
# Environment: PYTHON (default <repo>/.venv/bin/python), the venv kubernetes-validate goes into.
set -euo pipefail

SCRIPT_NAME=ensure-tools
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

PY="${PYTHON:-$repo/.venv/bin/python}"
KUBERNETES_VALIDATE="kubernetes-validate==1.37.0"

if ! have promtool; then
    log "promtool is missing; installing Debian's prometheus package (for promtool only)"
    # Where systemd runs, the package starts its daemon and enables it: stop and disable it again.
    apt_update_once
    log "apt-get install -y --no-install-recommends prometheus"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2 \
        || die "apt-get install prometheus failed"
    if have systemctl && [ -d /run/systemd/system ]; then
        as_root systemctl disable --now prometheus >/dev/null 2>&1 || true
    elif have invoke-rc.d; then
        as_root invoke-rc.d prometheus stop >/dev/null 2>&1 || true
    fi
    have promtool || die "the prometheus package did not bring promtool"
fi

if ! "$PY" -c 'import kubernetes_validate' >/dev/null 2>&1; then
    log "installing $KUBERNETES_VALIDATE into $("$PY" -c 'import sys; print(sys.prefix)')"
    "$PY" -m pip install --disable-pip-version-check -q "$KUBERNETES_VALIDATE" >&2 \
        || die "pip install $KUBERNETES_VALIDATE failed"
fi

have kubectl || log "kubectl is not installed: the Kubernetes manifest tests will be skipped (install kubectl to run them)"
exit 0
