#!/usr/bin/env bash
# Installs the npm dependencies exactly as package-lock.json pins them, when node_modules is
# missing or was installed from another lock file; otherwise does nothing.
# Not `npm ci`: the registry these machines reach serves only some platforms' optional
# packages (e.g. @swc/core-darwin-arm64 is absent), so npm leaves them out of the lock file
# and then `npm ci` refuses that lock file as out of sync. `npm install --no-save` installs
# the locked versions and leaves package.json and the lock file untouched.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/deploy/local/node-path.sh"
cd "$repo"
stamp=node_modules/.maas-lock-hash
hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  echo "[npm] npm install from package-lock.json (Node $(node -v))" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error >&2
  echo "$hash" > "$stamp"
fi
