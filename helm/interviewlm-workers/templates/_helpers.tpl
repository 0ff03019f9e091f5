{{/* Chart name, truncated to the DNS label limit. */}}
{{- define "interviewlm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; agent objects append "-<agent>" to it. */}}
{{- define "interviewlm.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "interviewlm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "interviewlm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "interviewlm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "interviewlm.labels" -}}
helm.sh/chart: {{ include "interviewlm.chart" . }}
{{ include "interviewlm.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: interviewlm
{{- end }}

{{/* Per-agent helpers take a dict: (dict "root" $ "agent" "interview"). */}}
{{- define "interviewlm.agentName" -}}
{{- printf "%s-%s" (include "interviewlm.fullname" .root) .agent }}
{{- end }}

{{- define "interviewlm.agentSelectorLabels" -}}
{{ include "interviewlm.selectorLabels" .root }}
app.kubernetes.io/component: {{ .agent }}
{{- end }}

{{- define "interviewlm.agentLabels" -}}
{{ include "interviewlm.labels" .root }}
app.kubernetes.io/component: {{ .agent }}
{{- end }}

{{/* Faust app id = Kafka consumer group of one agent's workload. */}}
{{- define "interviewlm.appId" -}}
{{- $cfg := index .root.Values.agents .agent }}
{{- default (printf "%s-%s" .root.Values.appIdPrefix .agent) $cfg.appId }}
{{- end }}

{{- define "interviewlm.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "interviewlm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "interviewlm.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "interviewlm.secretName" -}}
{{- required "secrets.existingSecret must name a Secret holding DATABASE_URL and the other secret settings" .Values.secrets.existingSecret }}
{{- end }}

{{/*
The effective autoscaling mode. An HPA and a KEDA ScaledObject must never
target the same workload (KEDA creates and owns an HPA itself), so anything
but exactly one of none|hpa|keda stops the render.
*/}}
{{- define "interviewlm.autoscalingMode" -}}
{{- $mode := toString .Values.autoscaling.mode }}
{{- if not (has $mode (list "none" "hpa" "keda")) }}
{{- fail (printf "autoscaling.mode is %q: choose exactly one of none, hpa, keda (an HPA and a KEDA ScaledObject must not both scale a workload)" $mode) }}
{{- end }}
{{- $mode }}
{{- end }}

{{/*
A settings value as an environment string. Helm reads YAML numbers as floats,
so whole numbers are printed as integers (1000000, not 1e+06).
*/}}
{{- define "interviewlm.envValue" -}}
{{- $v := . }}
{{- if kindIs "float64" $v }}
{{- if eq $v (floor $v) }}{{ int64 $v }}{{ else }}{{ $v }}{{ end }}
{{- else }}
{{- toString $v }}
{{- end }}
{{- end }}

{{/* Environment variables that come from the existing Secret. */}}
{{- define "interviewlm.secretEnv" -}}
{{- $secret := include "interviewlm.secretName" . }}
{{- range $env, $key := .Values.secrets.keys }}
{{- if $key }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
      {{- if ne $env "DATABASE_URL" }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* Kafka client TLS files, when kafkaTls.enabled. */}}
{{- define "interviewlm.kafkaTlsEnv" -}}
{{- if .Values.kafkaTls.enabled }}
{{- if .Values.kafkaTls.caKey }}
- name: KAFKA_SSL_CAFILE
  value: {{ printf "/etc/interviewlm/kafka-tls/%s" .Values.kafkaTls.caKey | quote }}
{{- end }}
{{- if .Values.kafkaTls.certKey }}
- name: KAFKA_SSL_CERTFILE
  value: {{ printf "/etc/interviewlm/kafka-tls/%s" .Values.kafkaTls.certKey | quote }}
{{- end }}
{{- if .Values.kafkaTls.keyKey }}
- name: KAFKA_SSL_KEYFILE
  value: {{ printf "/etc/interviewlm/kafka-tls/%s" .Values.kafkaTls.keyKey | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- define "interviewlm.kafkaTlsVolume" -}}
{{- if .Values.kafkaTls.enabled }}
- name: kafka-tls
  secret:
    secretName: {{ required "kafkaTls.existingSecret is required when kafkaTls.enabled" .Values.kafkaTls.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- end }}

{{- define "interviewlm.kafkaTlsMount" -}}
{{- if .Values.kafkaTls.enabled }}
- name: kafka-tls
  mountPath: /etc/interviewlm/kafka-tls
  readOnly: true
{{- end }}
{{- end }}
