#!/usr/bin/env bash
# The test command: sets up what is missing (like deploy/up.sh, without starting services),
# runs the static checks (generated code fresh, types, lint), then every unit and integration
# test against the real stack, and ends with one line `N passed, N failed`.
# The stack is left running (a warm run takes seconds); `bash deploy/down.sh` stops it.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
# A failing setup step still ends with the closing line (counted as one failure).
setup_failed() { echo "setup failed: $1" >&2; echo "0 passed, 1 failed"; exit 1; }
bash deploy/local/prereqs.sh || setup_failed "prerequisites"
source deploy/local/node-path.sh || setup_failed "node path"
bash deploy/local/npm-install.sh || setup_failed "npm install"
bash deploy/local/stack.sh up || setup_failed "local stack"

# Each static check counts as one test in the closing line.
failed_checks=(); passed_checks=0
check() {
  local name=$1; shift
  echo "== $name" >&2
  if "$@"; then passed_checks=$((passed_checks + 1)); else failed_checks+=("$name"); fi
}
check "proto: generated code is fresh" bash proto/generate.sh --check
check "build" npx nx run-many -t build --outputStyle=static
check "typecheck" npx tsc -p tsconfig.json --noEmit
check "lint" npx eslint .
check "folder cycles and layers: no cycle between the folders of a service beyond the allow-list, no import against a layer" bash deploy/local/folder-cycles-check.sh
check "format" npx prettier --check --log-level warn .
check "helm chart: lint, schema, server-side dry run, RBAC" bash deploy/local/helm-check.sh
# Every service image built (buildah, deploy/images.sh) and started from its image against the
# stack until /health/ready answers 200. MAAS_SKIP_IMAGES=1 leaves it out (counted as skipped).
skipped_checks=0
if [ "${MAAS_SKIP_IMAGES:-0}" = 1 ]; then
  echo "== images: skipped (MAAS_SKIP_IMAGES=1)" >&2; skipped_checks=1
else
  check "images: build each service's image, start it, /health/ready 200" bash deploy/images.sh check
fi

# The admin APIs as contracts, against the built services (started as deploy/up.sh starts them,
# left running): each /docs renders every operation in headless Chromium with no internet, and
# a bounded schemathesis run per /openapi.json finds no 5xx and no undocumented answer.
check "API reference UI: /docs renders every operation offline (headless Chromium)" bash deploy/local/docs-ui-check.sh
check "contract fuzzing: schemathesis, zero server errors and contract violations" bash deploy/local/contract-fuzz.sh

# Four vitest runs, one after another: the tenant's journey (e2e) against the five services
# just started, before any test stops a shared server under them; unit + integration
# (integration files one at a time); then the fault tests, each alone: the one that stops
# Kafka, Redis and the kube-apiserver for 30 s each (SPEC §10 readiness) with the one that
# cuts Kafka under every kind of consumer (they must resume), the demo journey again on the
# services that lived through it, and the one that
# restarts the kube-apiserver under a reconciling deployments service (SPEC §5: it steps
# down, re-lists and converges). Reports add up in the closing line.
reports=()
vitest_rc=0
run_vitest() { # title, vitest arguments…
  local report
  report=$(mktemp)
  reports+=("$report")
  echo "== tests ($1)" >&2
  shift
  npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || vitest_rc=1
}
outage=libs/health/test/dependency-outage.int-spec.ts
consumer_outage=libs/events/test/consumer-outage.int-spec.ts
apiserver_restart=services/deployments/test/reconciler-apiserver-restart.int-spec.ts
run_vitest "end to end" --project e2e
run_vitest "unit + integration" --project unit --project integration \
  --exclude "$outage" --exclude "$consumer_outage" --exclude "$apiserver_restart"
# The outage test signs in as the demo account (created here as deploy/up.sh creates it).
bash deploy/local/services.sh demo >&2 || vitest_rc=1
MAAS_TEST_OUTAGE=1 run_vitest "dependency outages" --project integration "$outage" "$consumer_outage"
# The journey runs against the services that lived through those outages (started by the
# contract fuzzing above): every consumer must have resumed.
bash deploy/local/services.sh demo >&2 || vitest_rc=1
MAAS_TEST_APISERVER_RESTART=1 run_vitest "kube-apiserver restart under the reconciler" \
  --project integration "$apiserver_restart"

read -r passed failed skipped < <(node deploy/local/test-summary.mjs "${reports[@]}" || echo "0 0 0")
rm -f "${reports[@]}"
if [ "$vitest_rc" -ne 0 ] && [ "$failed" = 0 ]; then failed=1; fi  # e.g. a run that wrote no report

for c in "${failed_checks[@]}"; do echo "check failed: $c" >&2; done
passed=$((passed + passed_checks)); failed=$((failed + ${#failed_checks[@]}))
line="$passed passed, $failed failed"
skipped=$((skipped + skipped_checks))
[ "$skipped" = 0 ] || line="$line, $skipped skipped"
echo "$line"
[ "$failed" = 0 ]
