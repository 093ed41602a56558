#!/usr/bin/env bash
# `npm ci` when node_modules is missing or older than package-lock.json; otherwise nothing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/deploy/local/node-path.sh"
cd "$repo"
stamp=node_modules/.maas-lock-hash
hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  echo "[npm] npm ci (Node $(node -v))" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$hash" > "$stamp"
fi
