#!/usr/bin/env bash
# The API reference UI of each admin service (/docs) renders every operation of its OpenAPI
# document in a headless browser (Chromium from Debian's packages) that cannot reach any host
# but 127.0.0.1: the page works from the service's own packages, with no CDN (SPEC §10).
#
#   bash deploy/local/docs-ui-check.sh [service…]     (default: iam deployments keys quotas)
#
# Starts the built services as deploy/up.sh does (deploy/local/services.sh up) and leaves them
# running (deploy/down.sh stops them). Point it at other instances with
# DOCS_URL_<SERVICE>=http://host:port (then nothing is started). Each page's DOM is kept in
# .state/stack/docs-ui/<service>.html.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/deploy/local
STATE=${MAAS_STACK_STATE:-$repo/.state/stack}
log() { printf '[docs-ui %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

declare -A PORTS=([iam]=3001 [deployments]=3002 [keys]=3003 [quotas]=3004)
services=("$@"); [ ${#services[@]} -gt 0 ] || services=(iam deployments keys quotas)
url_of() { local var="DOCS_URL_${1^^}"; echo "${!var:-http://127.0.0.1:${PORTS[$1]}}"; }

browser=$(command -v chromium || true)
[ -n "$browser" ] || { log "chromium is missing (deploy/local/prereqs.sh installs it)"; exit 1; }
if [ -z "${DOCS_URL_IAM:-}" ]; then bash "$here/services.sh" up; fi

out=$STATE/docs-ui; mkdir -p "$out"
profile=$(mktemp -d); trap 'rm -rf "$profile"' EXIT
failed=()
for s in "${services[@]}"; do
  url=$(url_of "$s")
  # --no-sandbox: CI runs as root. Every host name but 127.0.0.1 resolves to nothing, so a
  # page that needs the internet (a CDN script) renders no operation and fails.
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --user-data-dir="$profile" \
    --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1' \
    --virtual-time-budget=10000 --dump-dom "$url/docs" >"$out/$s.html" 2>"$out/$s.log" || true
  if python3 - "$s" "$url/openapi.json" "$out/$s.html" <<'PY'; then log "$s: every operation rendered at $url/docs"; else failed+=("$s"); fi
import json, re, sys, urllib.request
name, document_url, dom_file = sys.argv[1:4]
with urllib.request.urlopen(document_url, timeout=10) as response:
    paths = json.load(response)["paths"]
wanted = {(method.upper(), path) for path, item in paths.items() for method in item
          if method in ("get", "put", "post", "delete", "patch", "options", "head")}
dom = open(dom_file, encoding="utf-8", errors="replace").read()
shown = set(re.findall(r'opblock-summary-method">(\w+)</span>.*?data-path="([^"]+)"', dom, re.S))
missing = sorted(wanted - shown)
for method, path in missing:
    print(f"[docs-ui] {name}: {method} {path} is not rendered at /docs", file=sys.stderr)
print(f"[docs-ui] {name}: {len(wanted & shown)} of {len(wanted)} operations rendered", file=sys.stderr)
sys.exit(1 if missing or not wanted else 0)
PY
done
[ ${#failed[@]} -eq 0 ] || { log "no complete API reference at /docs: ${failed[*]} (DOM in $out)"; exit 1; }
