#!/usr/bin/env bash
# Checks the Helm chart against the local kube-apiserver (one counted check of deploy/test.sh):
#   1. helm lint --strict, with the default values and with helm/maas/ci/external-ingress-values.yaml
#   2. helm template of both, and `kubectl apply --dry-run=server` of both (schemas, defaulting,
#      admission: every object as the real API server would take it)
#   3. helm/maas/ci/bad-values.yaml is refused by values.schema.json, naming each wrong value
#   4. the reconciler's and the gateway's RBAC, applied for real under a throwaway release:
#      `kubectl auth can-i --as system:serviceaccount:…` for every call the code makes (yes) and
#      for Secrets, other workloads and RBAC (no); and the ValidatingAdmissionPolicy: a write
#      as the reconciler outside the namespaces it manages is refused (server dry runs).
# Prints one line per check; exits 1 when any failed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/deploy/local/versions.env"
CACHE=${MAAS_STACK_CACHE:-$HOME/.cache/maas-stack}
STATE=${MAAS_STACK_STATE:-$repo/.state/stack}
GATEWAY_API_VERSION=v1.3.0
"$repo/deploy/local/build.sh" helm
helm=$CACHE/helm-$HELM_VERSION/bin/helm
kubectl=$CACHE/kubernetes-$K8S_VERSION/bin/kubectl
export KUBECONFIG=$STATE/pki/admin.kubeconfig
chart=$repo/helm/maas
ci=$chart/ci
kube_version=${K8S_VERSION#v}
work=$(mktemp -d)
failures=0
ok() { printf 'ok    %s\n' "$*"; }
bad() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
k() { "$kubectl" "$@"; }

# The chart's HTTPRoutes need the Gateway API CRDs (standard channel), from its Go module.
gateway_api_crds() {
  k get crd httproutes.gateway.networking.k8s.io >/dev/null 2>&1 && return 0
  local dir
  dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" |
    sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  k apply --server-side --field-manager maas-helm-check -f "$dir/config/crd/standard/" >/dev/null
  k wait --for condition=Established --timeout=60s crd/httproutes.gateway.networking.k8s.io >/dev/null
}

cleanup() {
  # The throwaway release's cluster-scoped objects (the namespaces go with their contents).
  k delete clusterrole,clusterrolebinding -l app.kubernetes.io/instance=helm-check-rbac \
    --ignore-not-found --wait=false >/dev/null 2>&1 || true
  k delete validatingadmissionpolicy,validatingadmissionpolicybinding \
    -l app.kubernetes.io/instance=helm-check-rbac --ignore-not-found --wait=false >/dev/null 2>&1 || true
  k delete namespace helm-check-rbac helm-check-managed --ignore-not-found --wait=false >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- 1. lint
if "$helm" lint --strict "$chart" >"$work/lint.log" 2>&1 &&
  "$helm" lint --strict "$chart" -f "$ci/external-ingress-values.yaml" >>"$work/lint.log" 2>&1; then
  ok "helm lint --strict (default values, external+ingress values)"
else
  bad "helm lint --strict"; cat "$work/lint.log"
fi

# ---- 2. render + server-side dry run
ns=helm-check
k create namespace "$ns" --dry-run=client -o yaml | k apply -f - >/dev/null
gateway_api_crds
for variant in default external; do
  args=()
  [ "$variant" = default ] || args=(-f "$ci/external-ingress-values.yaml")
  if ! "$helm" template maas "$chart" --namespace "$ns" --kube-version "$kube_version" "${args[@]}" \
    >"$work/$variant.yaml" 2>"$work/$variant.err"; then
    bad "helm template ($variant values)"; cat "$work/$variant.err"; continue
  fi
  kinds=$(grep -E '^kind: ' "$work/$variant.yaml" | sort | uniq -c | awk '{printf "%s %s, ", $1, $3}')
  ok "helm template ($variant values): ${kinds%, }"
  if k apply --dry-run=server --namespace "$ns" -f "$work/$variant.yaml" >"$work/$variant.apply" 2>&1; then
    ok "kubectl apply --dry-run=server ($variant values): $(wc -l <"$work/$variant.apply") objects accepted"
  else
    bad "kubectl apply --dry-run=server ($variant values)"; grep -v ' (server dry run)$' "$work/$variant.apply"
  fi
done
# Each of the five services is in the default render with its probes, and the four with a
# database have a migration Job.
for s in gateway iam deployments keys quotas; do
  grep -q "^  name: maas-$s\$" "$work/default.yaml" || bad "default render lacks the $s service"
done
jobs=$(grep -cE '^  name: maas-(iam|deployments|keys|quotas)-migrate$' "$work/default.yaml" || true)
[ "$jobs" = 4 ] && ok "a migration Job for each of iam, deployments, keys, quotas" ||
  bad "migration Jobs: want 4, got $jobs"
grep -q 'path: /health/ready' "$work/default.yaml" && grep -q 'path: /health/live' "$work/default.yaml" ||
  bad "probes on /health/ready and /health/live"
# No credential in the default render's Secrets but generated ones; none in values.yaml.
if grep -nE '(password|PASSWORD|://[^/@ ]+:[^/@ ]+@)' "$chart/values.yaml" | grep -v '^\s*[0-9]*:\s*#' | grep -q .; then
  bad "values.yaml holds a credential"
else
  ok "no credential default in values.yaml"
fi

# ---- 3. the schema refuses wrong values, and says which and why
if "$helm" template maas "$chart" -f "$ci/bad-values.yaml" >/dev/null 2>"$work/bad.err"; then
  bad "helm template accepted helm/maas/ci/bad-values.yaml"
else
  missing=()
  for want in "/region" "/services/gateway/replicas" "/services/iam" "replicsa" "/pools/npuResourceName" "/resourceUsage"; do
    grep -qF -- "$want" "$work/bad.err" || missing+=("$want")
  done
  if [ ${#missing[@]} -eq 0 ] && grep -q "values don't meet the specifications of the schema" "$work/bad.err"; then
    ok "bad values refused by values.schema.json, each named:"
    grep "at '" "$work/bad.err" | sed 's/^/        /'
  else
    bad "bad values: the schema's message does not name ${missing[*]:-the schema}"; cat "$work/bad.err"
  fi
fi

# ---- 4. RBAC and the reconciler's admission policy, for real, under a throwaway release
rel=helm-check-rbac
k create namespace "$rel" --dry-run=client -o yaml | k apply -f - >/dev/null
"$helm" template "$rel" "$chart" --namespace "$rel" --kube-version "$kube_version" \
  --show-only templates/rbac.yaml >"$work/rbac.yaml"
k apply -n "$rel" -f "$work/rbac.yaml" >/dev/null
full=$rel-maas
for sa in deployments gateway; do k create serviceaccount "$full-$sa" -n "$rel" --dry-run=client -o yaml | k apply -f - >/dev/null; done
reconciler=system:serviceaccount:$rel:$full-deployments
gatewaysa=system:serviceaccount:$rel:$full-gateway
lease=$full-reconciler
can() { # expect(yes|no) as verb resource [flags…]
  local want=$1 as=$2; shift 2
  local got; got=$(k auth can-i --as "$as" "$@" 2>/dev/null || true)
  if [ "$got" = "$want" ]; then return 0; fi
  bad "can-i as ${as##*:} $*: want $want, got ${got:-error}"
  return 1
}
n=0 before=$failures
while read -r want args; do
  [ -n "$want" ] || continue
  # shellcheck disable=SC2086
  can "$want" "$reconciler" $args && n=$((n + 1))
done <<EOF
yes list nodes
yes watch nodes
yes list pods -A
yes watch pods -A
yes delete pods -n maas-proj-1
yes deletecollection pods -n maas-proj-1
yes get pods --subresource=log -n maas-proj-1
yes create namespaces
yes patch namespaces
yes list services -A
yes watch services -A
yes create services -n maas-proj-1
yes patch services -n maas-proj-1
yes delete services -n maas-proj-1
yes list deployments.apps -A
yes watch deployments.apps -A
yes create deployments.apps -n maas-proj-1
yes patch deployments.apps -n maas-proj-1
yes delete deployments.apps -n maas-proj-1
yes patch deployments.apps --subresource=scale -n maas-proj-1
yes list statefulsets.apps -A
yes watch statefulsets.apps -A
yes create statefulsets.apps -n maas-proj-1
yes patch statefulsets.apps -n maas-proj-1
yes get statefulsets.apps -n maas-proj-1
no update statefulsets.apps -n maas-proj-1
yes delete statefulsets.apps -n maas-proj-1
yes create leases.coordination.k8s.io -n $rel
yes get leases.coordination.k8s.io/$lease -n $rel
yes update leases.coordination.k8s.io/$lease -n $rel
no get secrets -n $rel
no list secrets -A
no get secrets -n maas-proj-1
no get configmaps -n maas-proj-1
no create pods -n maas-proj-1
no create pods --subresource=exec -n maas-proj-1
no get nodes
no patch nodes
no delete namespaces
no update deployments.apps -n maas-proj-1
no create daemonsets.apps -n maas-proj-1
no create jobs.batch -n maas-proj-1
no update leases.coordination.k8s.io/kube-scheduler -n kube-system
no get leases.coordination.k8s.io/another-lease -n $rel
no list leases.coordination.k8s.io -n $rel
no create clusterrolebindings.rbac.authorization.k8s.io
no create rolebindings.rbac.authorization.k8s.io -n maas-proj-1
no impersonate serviceaccounts
no list endpointslices.discovery.k8s.io -A
EOF
[ "$failures" != "$before" ] ||
  ok "reconciler RBAC: $n can-i answers as expected (what it calls: yes; Secrets, other workloads, RBAC, other Leases: no)"
n=0 before=$failures
while read -r want args; do
  [ -n "$want" ] || continue
  # shellcheck disable=SC2086
  can "$want" "$gatewaysa" $args && n=$((n + 1))
done <<EOF
yes get endpointslices.discovery.k8s.io -A
yes list endpointslices.discovery.k8s.io -A
yes watch endpointslices.discovery.k8s.io -A
no list pods -A
no get secrets -n $rel
no list services -A
no create endpointslices.discovery.k8s.io -n maas-proj-1
EOF
[ "$failures" != "$before" ] ||
  ok "gateway RBAC: $n can-i answers as expected (EndpointSlices read-only, nothing else)"

# The admission policy: as the reconciler, workloads only in namespaces it manages.
k create namespace helm-check-managed --dry-run=client -o yaml |
  k label --local -f - app.kubernetes.io/managed-by=maas -o yaml | k apply -f - >/dev/null
as_reconciler() { k --as "$reconciler" "$@" --dry-run=server -o name 2>&1; }
deny_message="may write only in namespaces it manages"
deadline=$((SECONDS + 30))
# The API server loads a new policy within a few seconds: ask until it answers.
while :; do
  out=$(as_reconciler create deployment probe --image=busybox -n kube-system) || true
  grep -q "$deny_message" <<<"$out" && break
  [ $SECONDS -lt $deadline ] || break
  sleep 1
done
if grep -q "$deny_message" <<<"$out"; then
  ok "admission policy: the reconciler cannot create a Deployment in kube-system"
else
  bad "admission policy: creating a Deployment in kube-system as the reconciler gave: $out"
fi
out=$(as_reconciler create deployment probe --image=busybox -n helm-check-managed) &&
  ok "admission policy: the reconciler may create a Deployment in a namespace it manages" ||
  bad "admission policy: creating in a managed namespace as the reconciler gave: $out"
out=$(as_reconciler create service clusterip probe --tcp=80 -n default) && bad "service in default allowed: $out" ||
  { grep -q "$deny_message" <<<"$out" && ok "admission policy: no Service in default either" ||
    bad "service in default: $out"; }
out=$(k create namespace helm-check-unlabelled --dry-run=client -o yaml | as_reconciler create -f -) &&
  bad "an unlabelled namespace was allowed: $out" ||
  { grep -q "$deny_message" <<<"$out" && ok "admission policy: no namespace without managed-by=maas" ||
    bad "unlabelled namespace: $out"; }
out=$(k create namespace helm-check-new --dry-run=client -o yaml |
  k label --local -f - app.kubernetes.io/managed-by=maas -o yaml | as_reconciler create -f -) &&
  ok "admission policy: a namespace labelled managed-by=maas may be created" ||
  bad "labelled namespace refused: $out"

if [ "$failures" -gt 0 ]; then
  echo "helm-check: $failures check(s) failed" >&2
  exit 1
fi
echo "helm-check: all passed"
