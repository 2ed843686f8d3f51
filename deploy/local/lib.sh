# Helpers shared by the ensure-*.sh scripts. Source it; do not run it.
# shellcheck shell=bash

# Messages go to stderr so that a script's stdout stays clean for callers.
log() { printf '%s: %s\n' "${SCRIPT_NAME:-local}" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "${SCRIPT_NAME:-local}" "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif have sudo; then
        sudo "$@"
    else
        die "need root to run: $* (run as root or install sudo)"
    fi
}

# apt-get update runs at most once per script run, and only when we really install something.
_APT_UPDATED=0
apt_update_once() {
    have apt-get || die "cannot install packages automatically: apt-get not found (install them yourself)"
    if [ "$_APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
        _APT_UPDATED=1
    fi
}

# apt_has PKG: true when the package index knows PKG (call apt_update_once first).
apt_has() { apt-cache show "$1" >/dev/null 2>&1; }

apt_install() {
    apt_update_once
    log "apt-get install -y $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 \
        || die "apt-get install $* failed"
}

# parse_host_port URL DEFAULT_PORT -> sets URL_HOST and URL_PORT.
# Handles scheme://user:pass@host:port/path, IPv6 in brackets, and a missing port.
parse_host_port() {
    local url="$1" default_port="$2" rest authority hostport
    rest="${url#*://}"
    authority="${rest%%/*}"
    hostport="${authority##*@}"   # a password may contain ':' but not '@' (it must be %-encoded)
    if [[ "$hostport" == \[*\]* ]]; then          # [::1]:5672
        URL_HOST="${hostport#\[}"; URL_HOST="${URL_HOST%%\]*}"
        URL_PORT="${hostport##*\]}"; URL_PORT="${URL_PORT#:}"
    elif [[ "$hostport" == *:* ]]; then
        URL_HOST="${hostport%:*}"; URL_PORT="${hostport##*:}"
    else
        URL_HOST="$hostport"; URL_PORT=""
    fi
    URL_HOST="${URL_HOST:-127.0.0.1}"
    URL_PORT="${URL_PORT:-$default_port}"
    [[ "$URL_PORT" =~ ^[0-9]+$ ]] || die "cannot read a port from '$hostport' (the host part of the URL)"
}

# We only start or install servers for addresses on this machine.
is_local_host() {
    case "$1" in
        127.*|localhost|::1|"$(hostname 2>/dev/null || echo localhost)") return 0 ;;
        *) return 1 ;;
    esac
}

# tcp_open HOST PORT: true when something accepts a TCP connection there (1 s budget).
tcp_open() {
    timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

# wait_for_port HOST PORT SECONDS: poll until the port answers or the time is up.
wait_for_port() {
    local host="$1" port="$2" deadline=$((SECONDS + $3))
    while [ "$SECONDS" -lt "$deadline" ]; do
        tcp_open "$host" "$port" && return 0
        sleep 1
    done
    tcp_open "$host" "$port"
}
