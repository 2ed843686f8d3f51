#!/usr/bin/env bash
# Make sure a RabbitMQ broker answers on AMQP_URI; start (or install and start) a local one if not.
#
#   deploy/local/ensure-rabbitmq.sh [AMQP_URI]
#
# Quiet and quick when the broker already answers. Only a broker on this machine is started:
# for a remote AMQP_URI we can only report that it does not answer.
# Environment: AMQP_URI (default pyamqp://guest:guest@127.0.0.1:5672//),
#              RABBITMQ_START_TIMEOUT seconds (default 60).
set -euo pipefail

SCRIPT_NAME=ensure-rabbitmq
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

uri="${1:-${AMQP_URI:-pyamqp://guest:guest@127.0.0.1:5672//}}"
timeout_s="${RABBITMQ_START_TIMEOUT:-60}"
parse_host_port "$uri" 5672
host="$URL_HOST" port="$URL_PORT"

tcp_open "$host" "$port" && exit 0

is_local_host "$host" \
    || die "no broker answers on $host:$port, and it is not on this machine: start it, or point AMQP_URI elsewhere"

if ! have rabbitmq-server; then
    log "RabbitMQ is not installed; installing it"
    apt_install rabbitmq-server
    # Where systemd runs, the package has just started the broker itself.
    wait_for_port "$host" "$port" 5 && { log "RabbitMQ is up on $host:$port"; exit 0; }
fi

mkdir -p "$repo/var/log"
start_log="$repo/var/log/rabbitmq-start.log"

# After `rabbitmqctl stop_app` the Erlang node is still up with the broker stopped inside it:
# a second node cannot start under the same name, so start the app instead.
if have rabbitmq-diagnostics && rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    log "the RabbitMQ node is up but the broker app is stopped; rabbitmqctl start_app"
    rabbitmqctl start_app >>"$start_log" 2>&1 </dev/null || die "rabbitmqctl start_app failed (see $start_log)"
else
    log "starting RabbitMQ (rabbitmq-server -detached)"
    # Detach stdio: a daemon holding our stdout open would keep a caller's pipe (CI's log) from closing.
    rabbitmq-server -detached >>"$start_log" 2>&1 </dev/null \
        || die "rabbitmq-server -detached failed (see $start_log)"
fi

if ! wait_for_port "$host" "$port" "$timeout_s"; then
    log "RabbitMQ did not answer on $host:$port within ${timeout_s}s; the end of its logs:"
    tail -n 20 "$start_log" >&2 2>/dev/null || true
    # The node's own log is named after the node (rabbit@host.log); show the newest one.
    newest_log="$(ls -t /var/log/rabbitmq/*.log 2>/dev/null | head -n 1 || true)"
    [ -n "$newest_log" ] && { log "== $newest_log"; tail -n 30 "$newest_log" >&2 || true; }
    die "RabbitMQ did not start"
fi
log "RabbitMQ is up on $host:$port"
