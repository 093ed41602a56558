#!/usr/bin/env bash
# Runs the built services against the local stack, each on its own 127.0.0.1 port, with logs
# and pid files in the stack's state dir.   services.sh up | down | status
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/deploy/local/node-path.sh"
STATE=${MAAS_STACK_STATE:-$repo/.state/stack}
LOGS=$STATE/logs; RUN=$STATE/run
mkdir -p "$LOGS" "$RUN"
# service name -> port (the gateway takes 3000, the admin services 3001..)
declare -A PORTS=([gateway]=3000 [iam]=3001 [deployments]=3002 [keys]=3003 [quotas]=3004)

# Local secrets, generated once per state dir (never committed, never printed).
secrets() {
  local f=$STATE/secrets.env
  [ -f "$f" ] && return 0
  local key; key=$(openssl genpkey -algorithm ed25519 2>/dev/null)
  umask 077
  {
    printf "TOKEN_SIGNING_KEY='%s'\n" "$key"
    printf "OPERATOR_TOKEN=%s\n" "$(openssl rand -hex 24)"
    printf "API_KEY_PEPPER=%s\n" "$(openssl rand -hex 32)"
    printf "WEBHOOK_SIGNING_SECRET=%s\n" "$(openssl rand -hex 32)"
    printf "DEMO_ROOT_PASSWORD=%s\n" "Pw-$(openssl rand -hex 12)"
  } > "$f"
}

alive() { [ -f "$RUN/svc-$1.pid" ] && kill -0 "$(cat "$RUN/svc-$1.pid")" 2>/dev/null; }
built() { ls "$repo"/services/*/dist/main.js 2>/dev/null | sed -E 's#.*/services/([^/]+)/dist/main.js#\1#'; }

up() {
  [ -f "$STATE/stack.env" ] || { echo "stack not running: bash deploy/local/stack.sh up" >&2; exit 1; }
  secrets
  set -a; source "$STATE/stack.env"; source "$STATE/secrets.env"; set +a
  export REGION=cn-southwest-2 REGIONS=cn-southwest-2
  export IAM_JWKS_URL=http://127.0.0.1:${PORTS[iam]}/v3/auth/jwks
  export PUBLIC_BASE_URL=http://127.0.0.1:${PORTS[gateway]}
  # The gateway dials model pods at their pod IPs; KWOK's pods (10.244.0.0/16) answer nothing,
  # so locally it dials the vLLM simulators instead (services/gateway/src/instances/endpoint-override.ts).
  export ENDPOINT_OVERRIDE=${ENDPOINT_OVERRIDE:-10.244.0.0/16=$SIM_URLS}
  # Resource usage of the service details: the simulators' load as npu-exporter and vLLM metrics
  # (deploy/local/sim-metrics.py; USAGE_ENDPOINT_OVERRIDE comes from the stack env).
  export USAGE_SOURCE=${USAGE_SOURCE:-scrape}
  local s
  for s in $(built); do
    alive "$s" && continue
    local port=${PORTS[$s]:-0}
    echo "[services] starting $s on http://127.0.0.1:$port" >&2
    (cd "$repo/services/$s" && HOST=127.0.0.1 PORT=$port LOG_LEVEL=${LOG_LEVEL:-info} DB_SCHEMA=$s \
      exec setsid node --enable-source-maps dist/main.js) >>"$LOGS/svc-$s.log" 2>&1 </dev/null &
    echo $! > "$RUN/svc-$s.pid"
  done
  for s in $(built); do
    local port=${PORTS[$s]:-0} deadline=$((SECONDS + 60))
    until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
      alive "$s" || { echo "[services] $s exited; see $LOGS/svc-$s.log" >&2; tail -5 "$LOGS/svc-$s.log" >&2; exit 1; }
      [ $SECONDS -lt $deadline ] || { echo "[services] $s not ready after 60s; see $LOGS/svc-$s.log" >&2; exit 1; }
      sleep 0.3
    done
    echo "[services] $s ready: http://127.0.0.1:$port (OpenAPI UI /docs, metrics /metrics)" >&2
  done
}

down() {
  local f
  for f in "$RUN"/svc-*.pid; do
    [ -f "$f" ] || continue
    local pid; pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      local deadline=$((SECONDS + 30))
      while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    fi
    rm -f "$f"
  done
}

status() { local s; for s in $(built); do alive "$s" && echo "$s running" || echo "$s stopped"; done; }

# A demo account (root user "demo") so a newcomer can sign in right away. The stack's fake
# pools (pool-a, pool-b nodes of k8s/nodes.yaml) are assigned to it, as an operator assigns
# dedicated nodes to a tenant account (docs/operators.md): label maas.io/account=<account id>.
demo() {
  set -a; source "$STATE/stack.env"; source "$STATE/secrets.env"; set +a
  local out account
  out=$(cd "$repo/services/iam" && DB_SCHEMA=iam REGIONS=cn-southwest-2 \
    node dist/bootstrap.js --account demo --root-password-env DEMO_ROOT_PASSWORD)
  account=$(printf '%s' "$out" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).account_id))')
  kubectl --kubeconfig "$KUBECONFIG" label nodes -l 'maas.io/pool in (pool-a,pool-b)' \
    "maas.io/account=$account" --overwrite >/dev/null
  echo "[services] demo account: domain \"demo\", user \"demo\", password in $STATE/secrets.env (DEMO_ROOT_PASSWORD); pool-a and pool-b nodes assigned to it (maas.io/account=$account)" >&2
}

case "${1:-}" in up) up ;; demo) demo ;; down) down ;; status) status ;; *) echo "usage: $0 up|down|status|demo" >&2; exit 2 ;; esac
