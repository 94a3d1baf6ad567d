{{/* The chart's name: the app.kubernetes.io/name label. */}}
{{- define "backend.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Object names: the release name, with the chart's name appended unless it already has it. */}}
{{- define "backend.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "backend.selectorLabels" -}}
app.kubernetes.io/name: {{ include "backend.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "backend.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "backend.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/*
The job label the rules and dashboards select on: the scrape job name in
observability/prometheus/prometheus.yml and the selector in
observability/prometheus/rules/*.yml. Also SERVICE_NAME (the traces' service.name) and,
through app.kubernetes.io/name, Loki's service_name. Not a value: the rules are shared with
compose as they are, so the label must be this constant (test/deploy/ checks they agree).
*/}}
{{- define "backend.job" -}}
backend
{{- end -}}

{{/* Long enough for the drain delay, the grace period and a margin before SIGKILL. */}}
{{- define "backend.terminationGracePeriodSeconds" -}}
{{- add .Values.service.drainDelaySeconds .Values.service.shutdownGraceSeconds .Values.terminationMarginSeconds -}}
{{- end -}}

{{/* repository@digest when a digest is set (the tag is then ignored), else repository:tag. */}}
{{- define "backend.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* The pod's ServiceAccount: the named one, or the chart's own when it creates one; empty: the namespace's default. */}}
{{- define "backend.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "backend.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}
