#!/usr/bin/env bash
# Every test, in the order a failure is cheapest to find: types, unit and
# integration (Jest, against the real services), then the browser test.
# Called by `./portal test` with the toolchain on PATH; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

export CI=${CI:-true} # Jest in run-once mode, never watch mode

bash scripts/services.sh start
trap 'bash scripts/services.sh stop || true' EXIT
# shellcheck disable=SC1091
source .services/env

results=()
run() {
  local name=$1; shift
  log "== $name: $*"
  local start=$SECONDS
  if "$@"; then
    results+=("$name: ok ($((SECONDS - start)) s)")
  else
    results+=("$name: FAILED ($((SECONDS - start)) s)")
    failed=1
  fi
}
failed=0

run typecheck yarn tsc
# PGlite (the embedded telemetry store) loads its files with dynamic import().
run unit+integration env NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" \
  yarn backstage-cli repo test --maxWorkers=2
run browser bash scripts/e2e.sh

log "== summary"
printf '  %s\n' "${results[@]}" >&2
exit $failed
