#!/usr/bin/env bash
# Regenerates the TypeScript types of proto/ into libs/events/src/gen/ (protobuf-es v2,
# the local protoc-gen-es plugin; nothing is fetched from the network).
#
#   bash proto/generate.sh           lint, then regenerate libs/events/src/gen/
#   bash proto/generate.sh --check   generate into a temporary directory and fail, naming the
#                                    stale files, if libs/events/src/gen/ differs (for CI)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
gen=libs/events/src/gen
export PATH="$repo/node_modules/.bin:$PATH"
command -v buf >/dev/null || { echo "buf not found; run npm install at $repo" >&2; exit 1; }

cd "$here"
buf lint

case "${1:-}" in
  "")
    rm -rf "${repo:?}/$gen"
    buf generate --template buf.gen.yaml --output "$repo"
    echo "generated $gen"
    ;;
  --check)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    buf generate --template buf.gen.yaml --output "$tmp"
    mkdir -p "$tmp/$gen" "$repo/$gen"
    if ! diff -r -q "$repo/$gen" "$tmp/$gen" >"$tmp/diff.txt"; then
      echo "stale generated code in $gen (run: bash proto/generate.sh):" >&2
      sed -e "s|$tmp/||g" -e "s|$repo/||g" "$tmp/diff.txt" >&2
      exit 1
    fi
    echo "$gen is up to date"
    ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac
