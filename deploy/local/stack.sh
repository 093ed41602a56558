#!/usr/bin/env bash
# The local real stack on 127.0.0.1: PostgreSQL, Redis, Kafka (KRaft), etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, KWOK (fake Ascend nodes) and an OpenAI-compatible
# vLLM simulator (two instances), with sim-metrics: their load as npu-exporter and vLLM metrics.
#
#   deploy/local/stack.sh up [c..] build what is missing (cached), start what is not running
#                                  (components: postgres redis kafka sim kubernetes; default all)
#   deploy/local/stack.sh down [p..] stop exactly what `up` started (pid files); or the named
#                                  processes (e.g. `down kafka` then `up kafka` in a fault test)
#   deploy/local/stack.sh status   one line per component
#   deploy/local/stack.sh env      connection settings as shell exports
#
# State (data, logs, pid files, certificates): $MAAS_STACK_STATE (default <repo>/.state/stack).
# Binaries: $MAAS_STACK_CACHE (default ~/.cache/maas-stack), keyed by version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/versions.env"
source "$here/ports.env"
CACHE=${MAAS_STACK_CACHE:-$HOME/.cache/maas-stack}
STATE=${MAAS_STACK_STATE:-$repo/.state/stack}
LOGS=$STATE/logs
RUN=$STATE/run
K8S_BIN=$CACHE/kubernetes-$K8S_VERSION/bin
ETCD_BIN=$CACHE/etcd-$ETCD_VERSION/bin
KWOK_DIR=$CACHE/kwok-$KWOK_VERSION
KAFKA_DIR=$CACHE/kafka-$KAFKA_VERSION
SIM_DIR=$CACHE/sim-$SIM_VERSION
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
KUBECONFIG_FILE=$STATE/pki/admin.kubeconfig

log() { printf '[stack %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

pid_alive() { local f=$RUN/$1.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

# start NAME CMD...: run in the background with its own log and pid file, unless running.
start() {
  local name=$1; shift
  if pid_alive "$name"; then return 0; fi
  log "starting $name"
  [ -f "$LOGS/$name.log" ] && mv -f "$LOGS/$name.log" "$LOGS/$name.prev.log"
  nohup setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}

# wait_for NAME SECONDS CMD...: poll CMD until it succeeds or the deadline passes.
wait_for() {
  local name=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if ! pid_alive "$name"; then die "$name exited; see $LOGS/$name.log"; fi
    if [ $SECONDS -ge $deadline ]; then die "$name not ready after ${secs}s; see $LOGS/$name.log"; fi
    sleep 0.3
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- PostgreSQL
up_postgres() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL not installed (apt-get install postgresql)"
  local data=$STATE/postgres
  # PostgreSQL refuses to run as root: as root, run it as the `postgres` system user.
  local as=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    as=(setpriv --reuid postgres --regid "$(id -g postgres)" --clear-groups --)
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initdb $data"
    mkdir -p "$data" && chmod 700 "$data"
    [ ${#as[@]} -eq 0 ] || chown postgres "$data" "$RUN"
    "${as[@]}" "$PG_BIN/initdb" -D "$data" -U postgres -A trust --no-sync >"$LOGS/postgres-initdb.log" 2>&1
  fi
  [ ${#as[@]} -eq 0 ] || chown postgres "$RUN"
  if ! pid_alive postgres; then
    start postgres "${as[@]}" "$PG_BIN/postgres" -D "$data" -p "$PG_PORT" -h 127.0.0.1 -k "$RUN" \
      -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300
  fi
  wait_for postgres 30 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -U postgres
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='maas'" | grep -q 1 \
    || "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres maas
}

# ---------------------------------------------------------------- Redis
up_redis() {
  command -v redis-server >/dev/null || die "redis-server not installed (apt-get install redis-server)"
  mkdir -p "$STATE/redis"
  start redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$STATE/redis" --daemonize no
  wait_for redis 15 redis-cli -p "$REDIS_PORT" ping
}

# ---------------------------------------------------------------- Kafka (KRaft)
up_kafka() {
  "$here/build.sh" kafka
  local dir=$STATE/kafka
  mkdir -p "$dir"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
PROPS
  cat > "$dir/log4j.properties" <<'L4J'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
L4J
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id; id=$(java -cp "$KAFKA_DIR/libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    java -Dlog4j.configuration="file:$dir/log4j.properties" -cp "$KAFKA_DIR/libs/*" kafka.tools.StorageTool \
      format -t "$id" -c "$dir/server.properties" --ignore-formatted >"$LOGS/kafka-format.log" 2>&1
  fi
  start kafka java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$dir/log4j.properties" -cp "$KAFKA_DIR/libs/*" kafka.Kafka "$dir/server.properties"
  wait_for kafka 90 kafka_ready
}
kafka_ready() { port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$LOGS/kafka.log"; }

# ---------------------------------------------------------------- PKI for Kubernetes
make_pki() {
  local p=$STATE/pki
  [ -f "$p/admin.kubeconfig" ] && return 0
  log "creating certificates in $p"
  mkdir -p "$p"
  (
    cd "$p"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=maas-local-ca" -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' > apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=maas-admin" -keyout admin.key -out admin.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile client.ext -out admin.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    cat > admin.kubeconfig <<KC
apiVersion: v1
kind: Config
clusters:
- name: maas-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $p/ca.crt
users:
- name: maas-admin
  user:
    client-certificate: $p/admin.crt
    client-key: $p/admin.key
contexts:
- name: maas-local
  context: {cluster: maas-local, user: maas-admin}
current-context: maas-local
KC
  )
}

# ---------------------------------------------------------------- Kubernetes control plane
up_kubernetes() {
  "$here/build.sh" etcd
  "$here/build.sh" k8s
  "$here/build.sh" kwok
  make_pki
  local p=$STATE/pki
  start etcd "$ETCD_BIN/etcd" --name maas --data-dir "$STATE/etcd" --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "maas=http://127.0.0.1:$ETCD_PEER_PORT" --quota-backend-bytes 2147483648 --log-level warn
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
  start kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
    --tls-cert-file "$p/apiserver.crt" --tls-private-key-file "$p/apiserver.key" --client-ca-file "$p/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$p/sa.pub" --service-account-signing-key-file "$p/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --authorization-mode Node,RBAC \
    --enable-priority-and-fairness=false --max-requests-inflight 1000 --max-mutating-requests-inflight 500 \
    --event-ttl 1h --v 0
  wait_for kube-apiserver 90 kubectl get --raw /readyz
  # The node lifecycle controller stays on: it lifts the node.kubernetes.io/not-ready taint
  # that the TaintNodesByCondition admission plugin puts on every new Node once KWOK reports
  # it Ready (and taints nodes whose KWOK heartbeats stop, as a real cluster would).
  start kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig "$KUBECONFIG_FILE" \
    --authentication-kubeconfig "$KUBECONFIG_FILE" --authorization-kubeconfig "$KUBECONFIG_FILE" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --leader-elect=false \
    --service-account-private-key-file "$p/sa.key" --root-ca-file "$p/ca.crt" \
    --use-service-account-credentials=false --controllers '*,-nodeipam,-cloud-node-lifecycle' \
    --kube-api-qps 200 --kube-api-burst 400 --concurrent-deployment-syncs 20 --concurrent-replicaset-syncs 20 --v 0
  start kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig "$KUBECONFIG_FILE" \
    --authentication-kubeconfig "$KUBECONFIG_FILE" --authorization-kubeconfig "$KUBECONFIG_FILE" \
    --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false --v 0
  mkdir -p "$STATE/kwok"
  { cat <<KW
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  nodeIP: 10.0.0.1
  cidr: 10.244.0.0/16
  serverAddress: 127.0.0.1
  nodeLeaseDurationSeconds: 40
  nodeLeaseParallelism: 4
  podPlayStageParallelism: 8
  nodePlayStageParallelism: 4
  podsOnNodeSyncParallelism: 4
---
KW
    cat "$KWOK_DIR/stages.yaml"; } > "$STATE/kwok/kwok.yaml"
  start kwok "$KWOK_DIR/bin/kwok" --kubeconfig "$KUBECONFIG_FILE" --config "$STATE/kwok/kwok.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds 40 --server-address "127.0.0.1:$KWOK_PORT"
  wait_for kube-scheduler 60 port_open "$SCHEDULER_PORT"
  wait_for kube-controller-manager 60 port_open "$KCM_PORT"
  kubectl wait --for=create serviceaccount/default -n default --timeout=60s >/dev/null 2>&1 || true
  # --force-conflicts: on a restart the node lifecycle controller may have tainted the nodes
  # unreachable while the API server was down (KWOK's heartbeats could not reach it); our
  # manifest owns the taints list (atomic), and the controller lifts its taints again once
  # KWOK reports the nodes Ready (nodes_untainted below).
  kubectl apply --server-side --force-conflicts --field-manager maas-stack -f "$here/k8s/" >/dev/null
  wait_for kwok 60 nodes_ready
  wait_for kube-controller-manager 60 nodes_untainted
}
nodes_untainted() {
  ! kubectl get nodes -l maas.io/pool -o jsonpath='{.items[*].spec.taints[*].key}' | grep -q 'node.kubernetes.io/'
}
kubectl() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
nodes_ready() {
  local want; want=$(grep -c '^kind: Node' "$here/k8s/nodes.yaml")
  local ready; ready=$(kubectl get nodes -l maas.io/pool -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)
  [ "$ready" -ge "$want" ]
}

# ---------------------------------------------------------------- vLLM simulator
up_sim() {
  "$here/build.sh" sim
  start sim "$SIM_DIR/venv/bin/xpyd-sim" serve --host 127.0.0.1 --port "$SIM_PORT" --model sim-model \
    --prefill-delay-ms 5 --decode-delay-per-token-ms 1 --kv-transfer-delay-ms 0 --max-model-len 32768
  start sim2 "$SIM_DIR/venv/bin/xpyd-sim" serve --host 127.0.0.1 --port "$SIM2_PORT" --model sim-model \
    --prefill-delay-ms 5 --decode-delay-per-token-ms 1 --kv-transfer-delay-ms 0 --max-model-len 32768
  # The simulators' load as the npu-exporter and vLLM would report it (resource usage of the
  # service details; see the script). It reads the pods from the kube-apiserver when asked,
  # so it may start before Kubernetes.
  start sim-metrics python3 "$here/sim-metrics.py" \
    --sims "http://127.0.0.1:$SIM_PORT,http://127.0.0.1:$SIM2_PORT" --npu-port "$SIM_NPU_EXPORTER_PORT" \
    --vllm-ports "$SIM_VLLM_METRICS_PORT,$SIM2_VLLM_METRICS_PORT" \
    --apiserver "https://127.0.0.1:$APISERVER_PORT" --pki "$STATE/pki"
  wait_for sim 60 curl -fsS "http://127.0.0.1:$SIM_PORT/health"
  wait_for sim2 60 curl -fsS "http://127.0.0.1:$SIM2_PORT/health"
  wait_for sim-metrics 15 curl -fsS "http://127.0.0.1:$SIM_NPU_EXPORTER_PORT/health"
}

# ---------------------------------------------------------------- commands
print_env() {
  cat <<ENV
export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/maas
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export KUBECONFIG=$KUBECONFIG_FILE
export SIM_URLS=http://127.0.0.1:$SIM_PORT,http://127.0.0.1:$SIM2_PORT
export USAGE_ENDPOINT_OVERRIDE='10.244.0.0/16=http://127.0.0.1:$SIM_VLLM_METRICS_PORT,http://127.0.0.1:$SIM2_VLLM_METRICS_PORT 10.0.0.1=http://127.0.0.1:$SIM_NPU_EXPORTER_PORT'
export MAAS_STACK_STATE=$STATE
export PATH=$K8S_BIN:\$PATH
ENV
}

cmd_up() {
  mkdir -p "$LOGS" "$RUN"
  local t0=$SECONDS c
  for c in ${@:-postgres redis kafka sim kubernetes}; do "up_$c"; done
  print_env > "$STATE/stack.env"
  log "stack is up in $((SECONDS - t0))s; connection settings: $STATE/stack.env (or: $0 env)"
}

cmd_down() {
  local n
  for n in ${@:-kwok kube-scheduler kube-controller-manager kube-apiserver etcd sim-metrics sim2 sim kafka redis postgres}; do
    local f=$RUN/$n.pid
    [ -f "$f" ] || continue
    local pid; pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping $n ($pid)"
      kill -TERM "$pid" 2>/dev/null || true
      local deadline=$((SECONDS + 30))
      while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

cmd_status() {
  local n rc=0
  for n in postgres redis kafka sim sim2 sim-metrics etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
    if pid_alive "$n"; then printf '%-24s running (pid %s)\n' "$n" "$(cat "$RUN/$n.pid")"
    else printf '%-24s stopped\n' "$n"; rc=1; fi
  done
  return $rc
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  env) print_env ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
