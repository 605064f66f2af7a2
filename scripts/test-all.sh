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
mkdir -p test-results
rm -f test-results/*.json
run unit+integration yarn backstage-cli repo test --maxWorkers=2 --testPathIgnorePatterns '\.pglite\.test\.ts$' \
  --json --outputFile=test-results/jest.json
# PGlite (the embedded telemetry store) loads its files with dynamic import(),
# which Jest allows only with VM modules; node-opcua's ES modules need them off.
run embedded-store env NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" \
  yarn backstage-cli repo test --maxWorkers=2 --passWithNoTests --testPathPatterns '\.pglite\.test\.ts$' \
  --json --outputFile=test-results/jest-pglite.json
run browser bash scripts/e2e.sh

log "== summary"
printf '  %s\n' "${results[@]}" >&2
# One closing line over every runner: N passed, N failed.
node scripts/test-summary.cjs test-results || failed=1
exit $failed
