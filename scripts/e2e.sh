#!/usr/bin/env bash
# Browser tests: start the portal as `./portal start` does, wait until it
# serves, run Playwright (Debian's Chromium), stop the portal. The portal's log
# is checked for plugin start-up failures.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
    || die "could not install chromium with apt-get (needs root and Debian's package lists)"
fi

mkdir -p .services test-results
portal_log=.services/portal.log
for port in 3000 7007; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    die "port $port is taken: stop the running portal (or whatever holds it) before the browser tests"
  fi
done

log "starting the portal for the browser tests (log: $portal_log)"
setsid yarn start >"$portal_log" 2>&1 &
portal_pid=$!
stop_portal() { kill -- -"$portal_pid" 2>/dev/null || true; wait "$portal_pid" 2>/dev/null || true; }
trap stop_portal EXIT

started=$SECONDS
wait_for() { # url, what
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    kill -0 "$portal_pid" 2>/dev/null || { tail -n 40 "$portal_log" >&2; die "the portal exited before $2 answered"; }
    [ $((SECONDS - started)) -lt 600 ] || { tail -n 40 "$portal_log" >&2; die "$2 did not answer within 600 s"; }
    sleep 2
  done
}
wait_for http://127.0.0.1:7007/.backstage/health/v1/readiness "the backend"
wait_for http://127.0.0.1:3000 "the frontend"
log "portal up in $((SECONDS - started)) s"

if grep -nE "startup failed|Plugin '[^']+' .*failed|Error: .*not a function" "$portal_log"; then
  die "a plugin failed to start (see $portal_log)"
fi

yarn playwright test "$@"

# Catalog processing errors are logged by catalog-backend-module-logs with the
# entity they concern; at start there must be none.
if sed 's/\x1b\[[0-9;]*m//g' "$portal_log" | grep -E ' catalog (warn|error) .*entity='; then
  die "the catalog logged processing errors at start (above)"
fi
