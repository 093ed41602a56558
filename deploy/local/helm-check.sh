#!/usr/bin/env bash
# Lints the chart, renders it, and has the real kube-apiserver validate every object
# (server-side dry run, so schemas, defaulting and admission all apply).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/deploy/local/versions.env"
CACHE=${MAAS_STACK_CACHE:-$HOME/.cache/maas-stack}
"$repo/deploy/local/build.sh" helm
helm=$CACHE/helm-$HELM_VERSION/bin/helm
kubectl=$CACHE/kubernetes-$K8S_VERSION/bin/kubectl
STATE=${MAAS_STACK_STATE:-$repo/.state/stack}
export KUBECONFIG=$STATE/pki/admin.kubeconfig
"$helm" lint --strict "$repo/helm/maas"
ns=helm-check
"$kubectl" create namespace "$ns" --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null
"$helm" template maas "$repo/helm/maas" --namespace "$ns" --kube-version "${K8S_VERSION#v}" \
  | "$kubectl" apply --dry-run=server --namespace "$ns" -f -
