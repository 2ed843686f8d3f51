#!/bin/sh
# Entrypoint of the platform image: one image, every service. Which service a container is comes from
# the first argument or from SERVICE; what it does from the next argument (default: run).
#
#   khuyenhoc-entrypoint [SERVICE] [run]          migrate (unless MIGRATE_ON_START=false), then nameko run
#   khuyenhoc-entrypoint [SERVICE] migrate        migrations only (LOAD_DEMO=true: then the demo data)
#   khuyenhoc-entrypoint [SERVICE] manage ARGS    python -m SERVICE.manage ARGS (create-officer, ...)
#   khuyenhoc-entrypoint topology                 declare every exchange and queue (servicekit.topology)
#   khuyenhoc-entrypoint opsctl ARGS              the operator's tool (python -m servicekit.opsctl)
#   khuyenhoc-entrypoint COMMAND ...              anything else runs as given (a shell, python ...)
#
# SERVICE is members, funds, evaluations, notifications or gateway. Migrations run before the service
# so it never starts on an old schema; with several replicas run them once instead (a compose one-shot
# service, a Kubernetes Job) and set MIGRATE_ON_START=false on the replicas.
set -eu

APP_HOME="${APP_HOME:-/app}"
SERVICES="members funds evaluations notifications gateway"

is_service() {
    for known in $SERVICES; do [ "$1" = "$known" ] && return 0; done
    return 1
}

if [ "$#" -gt 0 ] && is_service "$1"; then
    SERVICE="$1"; shift
fi
SERVICE="${SERVICE:-}"
command="${1:-run}"
[ "$#" -gt 0 ] && shift

folder_of() {
    if [ "$1" = gateway ]; then echo "$APP_HOME/gateway"; else echo "$APP_HOME/services/$1"; fi
}

need_service() {
    [ -n "$SERVICE" ] || { echo "entrypoint: say which service: SERVICE=<name> or the first argument ($SERVICES)" >&2; exit 64; }
    is_service "$SERVICE" || { echo "entrypoint: unknown service '$SERVICE' (one of: $SERVICES)" >&2; exit 64; }
    folder="$(folder_of "$SERVICE")"
    [ -f "$folder/config.yml" ] || { echo "entrypoint: $folder/config.yml is missing: this image has no $SERVICE" >&2; exit 64; }
    # The kit, the service's own package and, for a service, gateway/ (as the local runner sets it);
    # never another service's folder, so an import across services fails here as in the tests.
    if [ "$SERVICE" = gateway ]; then
        PYTHONPATH="$APP_HOME/services/shared:$folder"
    else
        PYTHONPATH="$APP_HOME/services/shared:$folder:$APP_HOME/gateway"
    fi
    export PYTHONPATH
}

has_migrations() { [ -f "$(folder_of "$SERVICE")/$SERVICE/manage.py" ]; }

migrate() {
    if ! has_migrations; then
        echo "entrypoint: $SERVICE has no database to migrate"
        return 0
    fi
    echo "entrypoint: migrating $SERVICE"
    python -m "$SERVICE.manage" migrate
    case "${LOAD_DEMO:-false}" in
        true|1|yes) echo "entrypoint: loading the demo data of $SERVICE"; python -m "$SERVICE.manage" load-demo ;;
    esac
}

# eventlet's deprecation notice, raised where nameko's CLI imports it (RELIABILITY.md, fact 1).
export PYTHONWARNINGS="${PYTHONWARNINGS:+$PYTHONWARNINGS,}ignore::Warning:nameko.cli.commands"
cd "$APP_HOME"

case "$command" in
    run)
        need_service
        case "${MIGRATE_ON_START:-true}" in
            true|1|yes) migrate ;;
        esac
        # exec: nameko becomes the container's main process, so SIGTERM reaches it and it stops gracefully.
        # module:Class, not the module alone: `nameko run module` would also try to run every class with
        # entrypoints that the module imports (the gateway's handler mixins).
        class="$(echo "$SERVICE" | cut -c1 | tr '[:lower:]' '[:upper:]')$(echo "$SERVICE" | cut -c2-)Service"
        exec nameko run --config "$(folder_of "$SERVICE")/config.yml" "$SERVICE.service:$class"
        ;;
    migrate)
        need_service
        migrate
        ;;
    manage)
        need_service
        exec python -m "$SERVICE.manage" "$@"
        ;;
    topology)
        export PYTHONPATH="$APP_HOME/services/shared"
        exec python -m servicekit.topology declare
        ;;
    opsctl)
        export PYTHONPATH="$APP_HOME/services/shared"
        exec python -m servicekit.opsctl "$@"
        ;;
    *)
        exec "$command" "$@"
        ;;
esac
