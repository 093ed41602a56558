#!/usr/bin/env bash
# The main job: from a fresh machine to the whole platform running on 127.0.0.1.
# Installs prerequisites, Node 24 and npm dependencies, builds (once, cached) and starts the
# real stack, builds the services and starts them. Idempotent: run it again at any time.
# The first run on a fresh machine builds Kubernetes, etcd, KWOK from Go modules and fetches
# Kafka from Maven Central (around 15-30 minutes on 2 cores); later runs take seconds.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bash deploy/local/prereqs.sh
source deploy/local/node-path.sh
bash deploy/local/npm-install.sh
bash deploy/local/stack.sh up
npx nx run-many -t build --outputStyle=static >/dev/null
bash deploy/local/services.sh up
bash deploy/local/services.sh demo
echo
echo "Stack settings: bash deploy/local/stack.sh env    Stop: bash deploy/down.sh"
