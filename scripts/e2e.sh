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

# The test services (scripts/services.sh): Prometheus and Alertmanager feed the
# Health and Alerts cards and the Now page.
[ -f .services/env ] || die "no .services/env: start the test services first (bash scripts/services.sh start)"
# shellcheck disable=SC1091
source .services/env
for url in "$PLANTOPS_TEST_PROMETHEUS_URL/-/ready" "$PLANTOPS_TEST_ALERTMANAGER_URL/-/ready"; do
  curl -fsS -o /dev/null "$url" || die "$url does not answer: start the test services (bash scripts/services.sh start)"
done

k8s_pid='' portal_pid=''
dead_target="$PLANTOPS_TEST_PROMETHEUS_TARGETS_DIR/e2e-scada-service.json"
cleanup() {
  [ -z "$portal_pid" ] || { kill -- -"$portal_pid" 2>/dev/null || true; wait "$portal_pid" 2>/dev/null || true; }
  [ -z "$k8s_pid" ] || { kill "$k8s_pid" 2>/dev/null || true; wait "$k8s_pid" 2>/dev/null || true; }
  rm -f "$dead_target" .services/e2e-kubernetes.json
}
trap cleanup EXIT

# A scrape target that never answers, labelled as scada-service: Prometheus's
# `up == 0` fires the guide's ServiceDown rule after its 1 m, into Alertmanager.
printf '[{"targets":["127.0.0.1:9"],"labels":{"service":"scada-service","e2e":"plantops-portal"}}]\n' >"$dead_target"

# The Kubernetes API double, seeded with scada-service's Deployment and pods, and the ArgoCD API double.
rm -f .services/e2e-kubernetes.json
node --require @backstage/cli/config/nodeTransform.cjs packages/app/e2e-tests/support/kubernetesDouble.ts \
  .services/e2e-kubernetes.json >.services/e2e-kubernetes.log 2>&1 &
k8s_pid=$!
until [ -s .services/e2e-kubernetes.json ]; do
  kill -0 "$k8s_pid" 2>/dev/null || { cat .services/e2e-kubernetes.log >&2; die "the Kubernetes API double did not start"; }
  sleep 1
done
PLANTOPS_E2E_K8S_URL=$(node -p 'require("./.services/e2e-kubernetes.json").url')
PLANTOPS_E2E_K8S_TOKEN=$(node -p 'require("./.services/e2e-kubernetes.json").token')
PLANTOPS_E2E_ARGOCD_URL=$(node -p 'require("./.services/e2e-kubernetes.json").argocd.url')
PLANTOPS_E2E_ARGOCD_TOKEN=$(node -p 'require("./.services/e2e-kubernetes.json").argocd.token')
export PLANTOPS_E2E_K8S_URL PLANTOPS_E2E_K8S_TOKEN PLANTOPS_E2E_ARGOCD_URL PLANTOPS_E2E_ARGOCD_TOKEN
log "Kubernetes API double on $PLANTOPS_E2E_K8S_URL, ArgoCD API double on $PLANTOPS_E2E_ARGOCD_URL"

log "starting the portal for the browser tests (log: $portal_log)"
setsid yarn start --config "$PWD/app-config.yaml" --config "$PWD/app-config.e2e.yaml" >"$portal_log" 2>&1 &
portal_pid=$!

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

# The double's token reached the portal through the environment: it must not be in its log.
if grep -qF "$PLANTOPS_E2E_K8S_TOKEN" "$portal_log"; then
  die "the portal's log contains the Kubernetes service account token"
fi
