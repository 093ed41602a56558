#!/usr/bin/env bash
# Contract fuzzing of the admin APIs: schemathesis (pinned, from PyPI, in a venv under the
# stack cache) against each running service's /openapi.json — iam, deployments, keys,
# quotas — as the root user of a tenant account of its own (created by the operator for this
# run). It fails on any 5xx and on any response its operation does not document (status,
# content type, body schema, headers): the OpenAPI documents are contracts (SPEC §10).
# Bounded: FUZZ_MAX_EXAMPLES cases per operation and phase, FUZZ_MAX_TIME seconds per service.
#
#   bash deploy/local/contract-fuzz.sh [service…]     (default: all four)
#
# Starts the built services as deploy/up.sh does (deploy/local/services.sh up) and leaves
# them running (deploy/down.sh stops them). Reports: .state/stack/contract-fuzz/<service>/.
# Point it at other instances with FUZZ_URL_<SERVICE>=http://host:port (then nothing is started).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/deploy/local
source "$here/versions.env"
CACHE=${MAAS_STACK_CACHE:-$HOME/.cache/maas-stack}
STATE=${MAAS_STACK_STATE:-$repo/.state/stack}
log() { printf '[contract-fuzz %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

declare -A PORTS=([iam]=3001 [deployments]=3002 [keys]=3003 [quotas]=3004)
services=("$@"); [ ${#services[@]} -gt 0 ] || services=(iam deployments keys quotas)
url_of() { local var="FUZZ_URL_${1^^}"; echo "${!var:-http://127.0.0.1:${PORTS[$1]}}"; }

# schemathesis, pinned, in its own venv (like the simulator in build.sh).
venv=$CACHE/schemathesis-$SCHEMATHESIS_VERSION/venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into a venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi

if [ -z "${FUZZ_URL_IAM:-}" ]; then bash "$here/services.sh" up; fi
set -a; source "$STATE/secrets.env"; set +a
iam=$(url_of iam)

# A tenant account of its own for this run (the operator creates it, README "For operators"),
# so what the fuzzer creates, changes or deletes touches no one else's resources.
account="fuzz-$(date +%s)-$RANDOM"
password="Pw-$(openssl rand -hex 12)"
created=$(curl -fsS -X POST "$iam/v3/accounts" -H "X-Operator-Token: $OPERATOR_TOKEN" \
  -H 'content-type: application/json' \
  -d "{\"name\":\"$account\",\"root_password\":\"$password\"}") ||
  { log "could not create the tenant account (is OPERATOR_TOKEN set for iam?)"; exit 1; }
project=$(printf '%s' "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["projects"][0]["id"])')
token=$(curl -fsS -D - -o /dev/null -X POST "$iam/v3/auth/tokens" -H 'content-type: application/json' -d \
  "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"$account\",\"password\":\"$password\",\"domain\":{\"name\":\"$account\"}}}}}}" |
  tr -d '\r' | sed -n 's/^x-subject-token: //Ip')
[ -n "$token" ] || { log "no token for the tenant account"; exit 1; }
log "tenant account $account, project $project"

# Wait until the other services know the new account (they learn it from IAM's events).
declare -A PROBES=([deployments]=pools [keys]=api-keys [quotas]=quotas)
for s in "${services[@]}"; do
  [ "$s" = iam ] && continue
  deadline=$((SECONDS + 60))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $token" \
    "$(url_of "$s")/v1/$project/${PROBES[$s]}")" = 200 ]; do
    [ $SECONDS -lt $deadline ] || { log "$s does not know the tenant after 60 s"; exit 1; }
    sleep 0.5
  done
done

# The documents first: every path parameter declared, every field typed, error bodies.
documents=(); for s in "${services[@]}"; do documents+=("$s=$(url_of "$s")/openapi.json"); done
python3 "$here/contract/lint-openapi.py" "${documents[@]}" || { log "the OpenAPI documents are not contracts (above)"; exit 1; }

# CI gates a landing, so it fuzzes with a fixed seed (a passing tree stays passing); by hand
# every run draws a new one and explores further.
if [ "${CI:-}" = true ]; then default_seed=519885436; else default_seed=$((RANDOM * 32768 + RANDOM)); fi
seed=${FUZZ_SEED:-$default_seed}
log "seed $seed (FUZZ_SEED=$seed reproduces this run)"
failed=()
for s in "${services[@]}"; do
  out=$STATE/contract-fuzz/$s
  rm -rf "$out"; mkdir -p "$out"
  log "$s: $(url_of "$s")/openapi.json"
  if ! FUZZ_TOKEN=$token FUZZ_PROJECT_ID=$project "$venv/bin/schemathesis" \
    --config-file "$here/contract/schemathesis.toml" --no-color \
    run "$(url_of "$s")/openapi.json" \
    --max-examples "${FUZZ_MAX_EXAMPLES:-25}" --max-time "${FUZZ_MAX_TIME:-60}" \
    --workers "${FUZZ_WORKERS:-1}" --request-timeout 10 --seed "$seed" \
    --report junit --report-dir "$out" >"$out/output.txt" 2>&1; then
    failed+=("$s")
  fi
  # The summary: what ran, and every failure (schemathesis prints each with a curl to replay).
  sed -n '/SUMMARY/,$p' "$out/output.txt" >&2
done
if [ ${#failed[@]} -gt 0 ]; then
  log "contract violations or server errors in: ${failed[*]} (details: $STATE/contract-fuzz/<service>/output.txt)"
  exit 1
fi
log "no server error, no contract violation: ${services[*]}"
