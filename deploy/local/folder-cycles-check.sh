#!/usr/bin/env bash
# The folder-cycle and layer rules (deploy/local/folder-cycles.mjs), checked both ways: they
# must fail on the committed fixture with deliberate back-edges (fixtures/folder-cycle: a
# pools <-> model-services cycle; a core importing a feature or Nest; a folder in no layer) and pass
# on the tree (with exactly the cycles of folder-cycles.allow.mjs, every layer of
# folder-layers.mjs kept).
set -uo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/node-path.sh

fixture=deploy/local/fixtures/folder-cycle
out=$(node deploy/local/folder-cycles.mjs --root "$fixture" --no-allow --layers "$fixture/layers.mjs" 2>&1)
rc=$?
expected=(
  'demo: folder cycle edge model-services -> pools'
  'demo: folder cycle edge pools -> model-services'
  'layered: layer edge core (core) -> feature (feature)'
  'layered: folder stray is in no layer'
  'layered: core (core) imports @nestjs/common, which a core may not use'
  'clean: ok, layers ok'
  '5 folder-cycle/layer problem(s)'
)
missing=()
for line in "${expected[@]}"; do grep -qF "$line" <<<"$out" || missing+=("$line"); done
if [ "$rc" -ne 1 ] || [ "${#missing[@]}" -ne 0 ]; then
  echo "folder-cycles: expected exit 1 and the fixture's cycle and layer problems on $fixture, got exit $rc; missing: ${missing[*]}" >&2
  echo "$out" >&2
  exit 1
fi
echo "folder-cycles: the deliberate cycle and layer back-edges in $fixture are caught"

node deploy/local/folder-cycles.mjs
