#!/usr/bin/env bash
# Make sure a headless browser for the console's browser tests (tests/browser) is here: Debian's
# chromium and chromium-driver (Selenium drives the browser through chromedriver; no browser build is
# ever downloaded from elsewhere), plus a font with Vietnamese glyphs for readable screenshots.
#
#   deploy/local/ensure-browser.sh
#
# Quiet and quick when everything is present. When it cannot install (no apt-get, no root), it says so
# and exits 0: the browser tests then skip with that reason instead of failing the whole run.
# Environment: CHROMIUM (default /usr/bin/chromium), CHROMEDRIVER (default /usr/bin/chromedriver).
set -euo pipefail

SCRIPT_NAME=ensure-browser
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
[ -x "$CHROMEDRIVER" ] || missing+=(chromium-driver)
[ -d /usr/share/fonts/truetype/noto ] || [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! have apt-get || { [ "$(id -u)" -ne 0 ] && ! have sudo; }; then
    log "WARNING: ${missing[*]} missing and cannot be installed here (needs apt-get as root): the browser tests will skip"
    exit 0
fi
apt_update_once
for package in "${missing[@]}"; do
    apt_has "$package" || { log "WARNING: no package $package in the apt sources: the browser tests will skip"; exit 0; }
done
log "apt-get install -y --no-install-recommends ${missing[*]}"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { log "WARNING: apt-get install ${missing[*]} failed: the browser tests will skip"; exit 0; }
"$CHROMIUM" --version >&2 || log "WARNING: $CHROMIUM does not start"
