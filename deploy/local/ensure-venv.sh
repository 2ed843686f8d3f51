#!/usr/bin/env bash
# Make sure .venv exists (Python 3.11) and holds the project with its dev extras.
#
# The install is redone only when pyproject.toml is newer than the stamp .venv/.installed,
# so running this before every command costs nothing once the venv is up to date.
#
# Environment: PYTHON (default python3.11), VENV (default <repo>/.venv).
set -euo pipefail

SCRIPT_NAME=ensure-venv
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

PYTHON="${PYTHON:-python3.11}"
VENV="${VENV:-$repo/.venv}"
stamp="$VENV/.installed"
pyproject="$repo/pyproject.toml"

if [ -f "$stamp" ] && [ "$stamp" -nt "$pyproject" ] && [ -x "$VENV/bin/python" ]; then
    exit 0
fi

have "$PYTHON" || die "$PYTHON not found: the project needs Python 3.11 (set PYTHON=/path/to/python3.11)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
    || die "$PYTHON is $("$PYTHON" -V 2>&1), the project needs Python 3.11 (set PYTHON=...)"

venv_works() {
    [ -x "$VENV/bin/python" ] \
        && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null \
        && "$VENV/bin/python" -m pip --version >/dev/null 2>&1
}

if ! venv_works; then
    # Debian and Ubuntu ship the venv module without ensurepip unless python3.X-venv is installed;
    # a failed attempt leaves a venv without pip behind, so start again from nothing.
    rm -rf "$VENV"
    if ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
        log "$PYTHON has no ensurepip; installing the venv package"
        apt_update_once
        if apt_has python3.11-venv; then apt_install python3.11-venv; else apt_install python3-venv; fi
    fi
    log "creating $VENV with $("$PYTHON" -V 2>&1)"
    "$PYTHON" -m venv "$VENV" || { rm -rf "$VENV"; die "$PYTHON -m venv $VENV failed"; }
fi

log "installing the project into $VENV (pip install -e '.[dev]'; the first time takes a minute)"
# Run from the repo so that the editable install records the right root.
(cd "$repo" && "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e '.[dev]') \
    || die "pip install -e '.[dev]' failed (see above)"
touch "$stamp"
log "done"
