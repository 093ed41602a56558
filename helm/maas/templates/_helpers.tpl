{{- define "maas.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's objects; args: (list $ "iam") */}}
{{- define "maas.name" -}}
{{- printf "%s-%s" (include "maas.fullname" (index . 0)) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "maas.labels" -}}
app.kubernetes.io/part-of: maas
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one service; args: (list $ "iam") */}}
{{- define "maas.selector" -}}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/name: {{ index . 1 }}
{{- end -}}

{{/* The services that own a PostgreSQL schema (and so have migrations). */}}
{{- define "maas.databaseServices" -}}
iam deployments keys quotas
{{- end -}}

{{/* Image of one service; args: (list $ "iam") */}}
{{- define "maas.image" -}}
{{- $root := index . 0 -}}
{{- $svc := index $root.Values.services (index . 1) -}}
{{- if $svc.image -}}
{{ $svc.image }}
{{- else -}}
{{ printf "%s/maas-%s:%s" $root.Values.image.repository (index . 1) ($root.Values.image.tag | default $root.Chart.AppVersion) }}
{{- end -}}
{{- end -}}

{{- define "maas.postgresSecret" -}}
{{ .Values.postgres.existingSecret | default (printf "%s-datastores" (include "maas.fullname" .)) }}
{{- end -}}
{{- define "maas.postgresSecretKey" -}}
{{ ternary .Values.postgres.existingSecretKey "postgresUrl" (ne .Values.postgres.existingSecret "") }}
{{- end -}}
{{- define "maas.redisSecret" -}}
{{ .Values.redis.existingSecret | default (printf "%s-datastores" (include "maas.fullname" .)) }}
{{- end -}}
{{- define "maas.redisSecretKey" -}}
{{ ternary .Values.redis.existingSecretKey "redisUrl" (ne .Values.redis.existingSecret "") }}
{{- end -}}
{{- define "maas.secretsName" -}}
{{ .Values.secrets.existingSecret | default (printf "%s-secrets" (include "maas.fullname" .)) }}
{{- end -}}

{{- define "maas.iamUrl" -}}
{{ printf "http://%s:%v" (include "maas.name" (list . "iam")) .Values.services.iam.port }}
{{- end -}}

{{- define "maas.publicBaseUrl" -}}
{{- if .Values.publicBaseUrl -}}
{{ .Values.publicBaseUrl }}
{{- else if and .Values.ingress.enabled .Values.ingress.inference.host -}}
{{ printf "https://%s" .Values.ingress.inference.host }}
{{- else if and .Values.httpRoute.enabled .Values.httpRoute.inference.hostnames -}}
{{ printf "https://%s" (first .Values.httpRoute.inference.hostnames) }}
{{- else -}}
{{ printf "http://%s:%v" (include "maas.name" (list . "gateway")) .Values.services.gateway.port }}
{{- end -}}
{{- end -}}

{{/* A variable from a key of a Secret. args: (list name secret key) */}}
{{- define "maas.secretEnv" -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 }}
      key: {{ index . 2 }}
{{- end -}}

{{/*
The environment of one service (and of its migration Job): what its config.ts reads, and
nothing else (no secret a service does not use). args: (list $ "iam")
*/}}
{{- define "maas.env" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $svc := index $root.Values.services $name -}}
{{- $secrets := include "maas.secretsName" $root -}}
{{- $db := has $name (splitList " " (include "maas.databaseServices" $root)) -}}
- name: HOST
  value: "0.0.0.0"
- name: PORT
  value: {{ $svc.port | quote }}
- name: LOG_LEVEL
  value: {{ $root.Values.logLevel | quote }}
- name: REGION
  value: {{ $root.Values.region | quote }}
- name: KAFKA_BROKERS
  value: {{ $root.Values.kafka.brokers | quote }}
- name: KAFKA_TOPIC_PREFIX
  value: {{ $root.Values.kafka.topicPrefix | quote }}
- name: KAFKA_TOPIC_PARTITIONS
  value: {{ $root.Values.kafka.partitions | quote }}
- name: KAFKA_REPLICATION_FACTOR
  value: {{ $root.Values.kafka.replicationFactor | quote }}
{{- if $db }}
- name: DB_SCHEMA
  value: {{ $name | quote }}
{{ include "maas.secretEnv" (list "DATABASE_URL" (include "maas.postgresSecret" $root) (include "maas.postgresSecretKey" $root)) }}
{{- end }}
{{- if has $name (list "gateway" "deployments") }}
{{ include "maas.secretEnv" (list "REDIS_URL" (include "maas.redisSecret" $root) (include "maas.redisSecretKey" $root)) }}
{{- end }}
{{- if ne $name "iam" }}
- name: IAM_JWKS_URL
  value: {{ printf "%s/v3/auth/jwks" (include "maas.iamUrl" $root) | quote }}
{{- end }}
{{- if eq $name "iam" }}
- name: REGIONS
  value: {{ join "," $root.Values.regions | quote }}
{{ include "maas.secretEnv" (list "TOKEN_SIGNING_KEY" $secrets "TOKEN_SIGNING_KEY") }}
{{- end }}
{{- if has $name (list "iam" "deployments" "quotas") }}
{{ include "maas.secretEnv" (list "OPERATOR_TOKEN" $secrets "OPERATOR_TOKEN") }}
{{- end }}
{{- if has $name (list "gateway" "keys") }}
{{ include "maas.secretEnv" (list "API_KEY_PEPPER" $secrets "API_KEY_PEPPER") }}
{{- end }}
{{- if eq $name "deployments" }}
{{ include "maas.secretEnv" (list "WEBHOOK_SIGNING_SECRET" $secrets "WEBHOOK_SIGNING_SECRET") }}
- name: PUBLIC_BASE_URL
  value: {{ include "maas.publicBaseUrl" $root | quote }}
- name: BULLMQ_PREFIX
  value: {{ printf "%smaas" $root.Values.kafka.topicPrefix | quote }}
- name: RECONCILER_LEASE_NAMESPACE
  value: {{ $root.Release.Namespace | quote }}
- name: RECONCILER_LEASE_NAME
  value: {{ include "maas.name" (list $root "reconciler") | quote }}
- name: RECONCILER_INSTALLATION
  value: {{ $root.Release.Name | quote }}
- name: RECONCILER_NODE_SELECTOR
  value: {{ $root.Values.pools.nodeLabel | quote }}
- name: DEFAULT_NPU_RESOURCE_NAME
  value: {{ $root.Values.pools.npuResourceName | quote }}
{{- with $root.Values.resourceUsage }}
- name: USAGE_SOURCE
  value: {{ .source | quote }}
{{- if .prometheusUrl }}
- name: USAGE_PROMETHEUS_URL
  value: {{ .prometheusUrl | quote }}
{{- end }}
- name: USAGE_PROMETHEUS_POD_LABEL
  value: {{ .prometheusPodLabel | quote }}
- name: USAGE_PROMETHEUS_NAMESPACE_LABEL
  value: {{ .prometheusNamespaceLabel | quote }}
- name: USAGE_NPU_EXPORTER_PORT
  value: {{ .npuExporterPort | quote }}
- name: USAGE_TIMEOUT_MS
  value: {{ .timeoutMs | quote }}
- name: USAGE_CACHE_MS
  value: {{ .cacheMs | quote }}
{{- end }}
{{- end }}
{{- range $k, $v := $svc.env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/* Bytes of a Kubernetes quantity with a binary suffix (Ki, Mi, Gi, Ti) or none. */}}
{{- define "maas.bytes" -}}
{{- $q := toString . -}}
{{- $units := dict "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 -}}
{{- $n := regexReplaceAll "[A-Za-z]+$" $q "" | int64 -}}
{{- $u := regexFind "[A-Za-z]+$" $q -}}
{{- if $u }}{{ mul $n (get $units $u) }}{{ else }}{{ $n }}{{ end -}}
{{- end -}}
