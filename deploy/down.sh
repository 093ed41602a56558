#!/usr/bin/env bash
# Stops the services and the stack started by deploy/up.sh (by pid file).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bash "$repo/deploy/local/services.sh" down
bash "$repo/deploy/local/stack.sh" down
