{{- define "tempo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "tempo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "tempo.selectorLabels" -}}
app.kubernetes.io/name: tempo
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
observability/tempo/tempo.yaml with the remote-write URL set for the cluster: the only
difference, so the configuration is derived, never copied.
*/}}
{{- define "tempo.config" -}}
{{- $config := .Files.Get "files/tempo.yaml" | fromYaml }}
{{- if not $config.metrics_generator }}
{{- fail "files/tempo.yaml must be the symlink to observability/tempo/tempo.yaml (package the chart from the repository)" }}
{{- end }}
{{- $_ := set (index $config.metrics_generator.storage.remote_write 0) "url" .Values.remoteWriteUrl }}
{{- toYaml $config }}
{{- end -}}
