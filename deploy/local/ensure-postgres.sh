#!/usr/bin/env bash
# Make sure PostgreSQL answers as the test URL says; start (or install and start) a local one if not.
#
#   deploy/local/ensure-postgres.sh [--recreate] [URL]
#
# URL defaults to TEST_POSTGRES_URL, else postgresql+pg8000://postgres@127.0.0.1:5432/khuyenhoc_test.
# With --recreate the URL's database is dropped and created empty (its name must contain "test").
# Quiet and quick when the server already answers. Only a server on this machine is started.
#
# Environment: PYTHON (a Python with pg8000; default <repo>/.venv/bin/python),
#              POSTGRES_START_TIMEOUT seconds (default 60),
#              PG_TRUST_LOCAL=1 to let this script add a trust rule to an existing local cluster's
#              pg_hba.conf (it does so unasked only for a PostgreSQL it has just installed).
set -euo pipefail

SCRIPT_NAME=ensure-postgres
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

recreate=0
if [ "${1:-}" = "--recreate" ]; then recreate=1; shift; fi
url="${1:-${TEST_POSTGRES_URL:-postgresql+pg8000://postgres@127.0.0.1:5432/khuyenhoc_test}}"
PY="${PYTHON:-$repo/.venv/bin/python}"
timeout_s="${POSTGRES_START_TIMEOUT:-60}"

"$PY" -c 'import pg8000' 2>/dev/null \
    || die "$PY cannot import pg8000: create the venv first (make venv) or set PYTHON"

parse_host_port "$url" 5432
host="$URL_HOST" port="$URL_PORT"
authority="${url#*://}"; authority="${authority%%/*}"
if [[ "$authority" == *@* ]]; then userinfo="${authority%@*}"; else userinfo=""; fi
db_user="${userinfo%%:*}"; db_user="${db_user:-postgres}"
[[ "$userinfo" == *:* ]] && has_password=1 || has_password=0

mkdir -p "$repo/var/log"
start_log="$repo/var/log/postgres-start.log"
installed_now=0

# Debian's pg_lsclusters: "Ver Cluster Port Status Owner Data-directory Log-file", one line each.
clusters_on_port() { pg_lsclusters -h 2>/dev/null | awk -v p="$port" '$3 == p'; }

start_local_cluster() {
    local ver name cport status owner datadir logfile
    if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
        # The package normally creates "main"; a machine configured not to (create_main_cluster =
        # false) has none, so create one on the port we want.
        ver="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
        [ -n "$ver" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
        log "no PostgreSQL cluster exists; creating $ver/main on port $port"
        as_root pg_createcluster --port "$port" "$ver" main >>"$start_log" 2>&1 </dev/null \
            || die "pg_createcluster failed (see $start_log)"
    fi
    [ -n "$(clusters_on_port)" ] \
        || die "no local PostgreSQL cluster uses port $port (pg_lsclusters shows: $(pg_lsclusters -h | awk '{print $1"/"$2":"$3}' | xargs))"
    while read -r ver name cport status owner datadir logfile; do
        case "$status" in
            online*) ;;
            *)
                log "starting PostgreSQL cluster $ver/$name (port $cport)"
                # --skip-systemctl-redirect: work the same with or without systemd (containers, CI).
                if ! as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start \
                        >>"$start_log" 2>&1 </dev/null; then
                    tail -n 10 "$start_log" >&2 || true
                    [ -r "$logfile" ] && { log "== $logfile"; tail -n 20 "$logfile" >&2 || true; }
                    die "pg_ctlcluster $ver $name start failed"
                fi
                ;;
        esac
    done < <(clusters_on_port)
}

if ! tcp_open "$host" "$port"; then
    is_local_host "$host" \
        || die "no PostgreSQL answers on $host:$port, and it is not on this machine: start it, or set TEST_POSTGRES_URL"
    if ! have pg_lsclusters; then
        log "PostgreSQL is not installed; installing it"
        apt_install postgresql
        installed_now=1
    fi
    # Where systemd runs, the package starts the cluster itself; elsewhere we do.
    tcp_open "$host" "$port" || start_local_cluster
    if ! wait_for_port "$host" "$port" "$timeout_s"; then
        read -r _ _ _ _ _ _ logfile < <(clusters_on_port) || true
        [ -r "${logfile:-}" ] && tail -n 20 "$logfile" >&2
        die "PostgreSQL did not answer on $host:$port within ${timeout_s}s"
    fi
    log "PostgreSQL is up on $host:$port"
fi

check_rc=0
"$PY" "$here/pgadmin.py" check "$url" 2>"$start_log.check" || check_rc=$?
if [ "$check_rc" -eq 3 ] && [ "$has_password" -eq 0 ] && is_local_host "$host" && have pg_lsclusters \
        && { [ "$installed_now" -eq 1 ] || [ "${PG_TRUST_LOCAL:-0}" = 1 ]; }; then
    # A fresh Debian cluster asks for a password over TCP (scram-sha-256). The tests connect as
    # "$db_user" without one, as CI does, so trust that user from the loopback addresses only.
    read -r ver name _ < <(clusters_on_port)
    hba="/etc/postgresql/$ver/$name/pg_hba.conf"
    log "adding 'trust' for $db_user from 127.0.0.1 and ::1 at the top of $hba"
    marker="# added by khuyenhoc deploy/local/ensure-postgres.sh: tests log in as $db_user without a password"
    as_root sh -c 'tmp="$1.tmp" && { printf "%s\n" "$2" \
            "host    all    $3    127.0.0.1/32    trust" "host    all    $3    ::1/128    trust"; cat "$1"; } >"$tmp" \
            && cat "$tmp" >"$1" && rm -f "$tmp"' _ "$hba" "$marker" "$db_user"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload >>"$start_log" 2>&1 </dev/null \
        || die "pg_ctlcluster $ver $name reload failed (see $start_log)"
    check_rc=0
    "$PY" "$here/pgadmin.py" check "$url" 2>"$start_log.check" || check_rc=$?
fi
case "$check_rc" in
    0) ;;
    3) cat "$start_log.check" >&2
       [ "$has_password" -eq 1 ] && die "PostgreSQL on $host:$port refused to log $db_user in with the URL's password"
       die "PostgreSQL on $host:$port refused to log $db_user in without a password. Either allow it
    (pg_hba.conf: host all $db_user 127.0.0.1/32 trust; or rerun with PG_TRUST_LOCAL=1 to have this
    script add that), or put a password in TEST_POSTGRES_URL (postgresql+pg8000://user:password@host:port/db)" ;;
    *) cat "$start_log.check" >&2; die "cannot use PostgreSQL on $host:$port" ;;
esac
rm -f "$start_log.check"

if [ "$recreate" -eq 1 ]; then
    "$PY" "$here/pgadmin.py" recreate "$url" || die "could not recreate the test database (see above)"
    log "database ${url##*/} recreated empty on $host:$port"
fi
