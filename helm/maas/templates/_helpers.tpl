{{- define "maas.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "maas.labels" -}}
app.kubernetes.io/part-of: maas
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "maas.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "maas.postgresSecret" -}}
{{ .Values.postgres.existingSecret | default (printf "%s-postgres" (include "maas.fullname" .)) }}
{{- end -}}

{{/* Environment shared by every service container; args: (dict "root" $ "name" $name "svc" $svc) */}}
{{- define "maas.env" -}}
- name: HOST
  value: "0.0.0.0"
- name: PORT
  value: {{ .svc.port | quote }}
- name: LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
- name: DB_SCHEMA
  value: {{ .svc.dbSchema | default .name | quote }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "maas.postgresSecret" .root }}
      key: url
- name: REDIS_URL
  value: {{ .root.Values.redis.url | quote }}
- name: KAFKA_BROKERS
  value: {{ .root.Values.kafka.brokers | quote }}
- name: REGION
  value: {{ .root.Values.region | quote }}
- name: RECONCILER_LEASE_NAMESPACE
  value: {{ .root.Release.Namespace | quote }}
- name: IAM_JWKS_URL
  value: {{ printf "http://%s-iam:%v/v3/auth/jwks" (include "maas.fullname" .root) .root.Values.services.iam.port | quote }}
{{- range $k, $v := .svc.env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- range .svc.secretEnv }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ include "maas.secretsName" $.root }}
      key: {{ . }}
{{- end }}
{{- end -}}

{{- define "maas.secretsName" -}}
{{ .Values.secrets.existingSecret | default (printf "%s-secrets" (include "maas.fullname" .)) }}
{{- end -}}
