#!/usr/bin/env bash
# The folder-cycle rule (deploy/local/folder-cycles.mjs), checked both ways: it must fail on
# the committed fixture with a deliberate back-edge (fixtures/folder-cycle: pools <->
# model-services) and pass on the tree (with exactly the cycles of folder-cycles.allow.mjs).
set -uo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/node-path.sh

fixture=deploy/local/fixtures/folder-cycle
out=$(node deploy/local/folder-cycles.mjs --root "$fixture" --no-allow 2>&1)
rc=$?
if [ "$rc" -ne 1 ] \
  || ! grep -qF 'demo: folder cycle edge model-services -> pools' <<<"$out" \
  || ! grep -qF 'demo: folder cycle edge pools -> model-services' <<<"$out" \
  || ! grep -qF 'clean: ok' <<<"$out"; then
  echo "folder-cycles: expected exit 1 and the pools <-> model-services cycle on $fixture, got exit $rc:" >&2
  echo "$out" >&2
  exit 1
fi
echo "folder-cycles: the deliberate back-edge in $fixture is caught"

node deploy/local/folder-cycles.mjs
