#!/usr/bin/env bash
# The test suite as two pytest processes side by side, so that one waiting on a broker, a database or a
# child process lets the other use the CPU (the suite is mostly waiting; pytest-xdist cannot run it: its
# workers do not survive eventlet's monkey patching). Each shard has its own session fixtures (its own
# RabbitMQ vhost and database templates). Lines are prefixed with the shard's name; each shard's whole
# output is also kept in var/test-logs/<shard>.log. Exit status: non-zero if any shard failed.
#
#   deploy/local/run-shards.sh PYTEST [extra pytest arguments...]
set -uo pipefail

pytest_bin="$1"; shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
logs="$repo/var/test-logs"
mkdir -p "$logs"

declare -A paths=([units]="services gateway" [system]="tests")
declare -A pids=()
for shard in units system; do
    # shellcheck disable=SC2086
    ( "$pytest_bin" ${paths[$shard]} "$@" 2>&1 | tee "$logs/$shard.log" | sed -u "s/^/[$shard] /"
      exit "${PIPESTATUS[0]}" ) &
    pids[$shard]=$!
done

status=0
for shard in units system; do
    wait "${pids[$shard]}"; code=$?
    if [ "$code" -eq 5 ]; then code=0; fi  # a shard that collected nothing is not a failure
    if [ "$code" -ne 0 ]; then echo "run-shards: shard $shard FAILED (exit $code); its output: var/test-logs/$shard.log"; status=1; fi
done
for shard in units system; do
    echo "== [$shard] $(grep -E '^(=+ )?[0-9]+ (passed|failed)|^=+ .*(passed|failed|error)' "$logs/$shard.log" | tail -1)"
done
exit "$status"
