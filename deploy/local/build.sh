#!/usr/bin/env bash
# Builds (once) and caches the stack's binaries that come from the Go module proxy and
# Maven Central. Usage: build.sh all | k8s | etcd | kwok | helm | kafka | sim
# Each component lands in $CACHE/<name>-<version>/ and is skipped when already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
CACHE=${MAAS_STACK_CACHE:-$HOME/.cache/maas-stack}
mkdir -p "$CACHE"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false

log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

done_marker() { [ -f "$1/.complete" ]; }

build_k8s() {
  local out="$CACHE/kubernetes-$K8S_VERSION"
  done_marker "$out" && return 0
  log "building kubernetes $K8S_VERSION (kube-apiserver, controller-manager, scheduler, kubectl); the first time takes 15-30 min on 2 cores"
  local work; work=$(mktemp -d)
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local staging="v0.${K8S_VERSION#v1.}"
  curl -fsSL "https://proxy.golang.org/k8s.io/kubernetes/@v/$K8S_VERSION.mod" -o "$work/k8s.mod"
  {
    echo "module maasstack/k8sbuild"
    grep -E '^go |^godebug ' "$work/k8s.mod"
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo "replace ("
    grep -E '^\s+k8s.io/[a-z0-9-]+ v0\.0\.0$' "$work/k8s.mod" | awk -v v="$staging" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } > "$work/go.mod"
  mkdir -p "$out/bin"
  (
    cd "$work"
    # `go get` of the command packages records every go.sum entry their builds need.
    go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION" \
      "k8s.io/kubernetes/cmd/kube-scheduler@$K8S_VERSION" "k8s.io/kubernetes/cmd/kubectl@$K8S_VERSION" >&2
    local vpkg=k8s.io/component-base/version
    local ld="-s -w -X $vpkg.gitVersion=$K8S_VERSION -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
    for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
      log "  go build $c"
      go build -p 2 -trimpath -ldflags "$ld" -o "$out/bin/$c" "k8s.io/kubernetes/cmd/$c"
    done
  )
  rm -rf "$work"
  touch "$out/.complete"
}

build_etcd() {
  local out="$CACHE/etcd-$ETCD_VERSION"
  done_marker "$out" && return 0
  log "building etcd $ETCD_VERSION"
  local work; work=$(mktemp -d)
  mkdir -p "$out/bin"
  (
    cd "$work"
    go mod init maasstack/etcdbuild >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
    go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd" go.etcd.io/etcd/server/v3
  )
  rm -rf "$work"
  touch "$out/.complete"
}

go_install() { # name version pkg...
  local name=$1 version=$2; shift 2
  local out="$CACHE/$name-$version"
  done_marker "$out" && return 0
  log "installing $name $version"
  mkdir -p "$out/bin"
  for p in "$@"; do GOBIN="$out/bin" go install -trimpath -ldflags "-s -w" "$p@$version" >&2; done
  touch "$out/.complete"
}

build_kwok() {
  go_install kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
  local out="$CACHE/kwok-$KWOK_VERSION"
  if [ ! -f "$out/stages.yaml" ]; then
    local src; src=$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION
    [ -d "$src" ] || (cd "$(mktemp -d)" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" >/dev/null)
    local f first=1
    : > "$out/stages.yaml.tmp"
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
             pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml \
             pod/chaos/pod-container-running-failed.yaml; do
      [ $first = 1 ] || echo "---" >> "$out/stages.yaml.tmp"
      first=0
      cat "$src/kustomize/stage/$f" >> "$out/stages.yaml.tmp"
    done
    mv "$out/stages.yaml.tmp" "$out/stages.yaml"
  fi
}

build_helm() {
  local major=${HELM_VERSION%%.*}
  go_install helm "$HELM_VERSION" "helm.sh/helm/$major/cmd/helm"
}

build_kafka() {
  local out="$CACHE/kafka-$KAFKA_VERSION"
  done_marker "$out" && return 0
  log "fetching kafka $KAFKA_VERSION from Maven Central"
  local work; work=$(mktemp -d)
  cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>maas.stack</groupId><artifactId>kafka-dist</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies>
</project>
POM
  mkdir -p "$out"
  (cd "$work" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DoutputDirectory="$out/libs" -DincludeScope=runtime >&2)
  rm -rf "$work"
  touch "$out/.complete"
}

build_sim() {
  # llm-d-inference-sim is refused by the Go module proxy here (403), so the stand-in model
  # server is xpyd-sim from PyPI: vLLM-compatible OpenAI API, streaming with usage,
  # prefill/decode latency simulation, /health and /metrics.
  local out="$CACHE/sim-$SIM_VERSION"
  done_marker "$out" && return 0
  log "installing xpyd-sim $SIM_VERSION into a venv"
  python3 -m venv "$out/venv"
  "$out/venv/bin/pip" install -q --disable-pip-version-check "xpyd-sim==$SIM_VERSION" >&2
  touch "$out/.complete"
}

case "${1:-all}" in
  k8s) build_k8s ;;
  etcd) build_etcd ;;
  kwok) build_kwok ;;
  helm) build_helm ;;
  kafka) build_kafka ;;
  sim) build_sim ;;
  all) build_kafka; build_sim; build_etcd; build_kwok; build_helm; build_k8s ;;
  *) echo "usage: $0 all|k8s|etcd|kwok|helm|kafka" >&2; exit 2 ;;
esac
