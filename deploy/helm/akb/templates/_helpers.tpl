{{/*
Names: the release name when it already says akb (`helm install akb ...` gives the same names as the
kustomize base), else <release>-akb; 63 characters at most, as Kubernetes names and labels allow.
*/}}
{{- define "akb.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The pod selector: the kustomize base's name label plus the release, so two releases never share pods. */}}
{{- define "akb.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "akb.labels" -}}
{{ include "akb.selectorLabels" . }}
app.kubernetes.io/part-of: akb
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* repository:tag, or repository@digest when a digest is given. */}}
{{- define "akb.image" -}}
{{- $i := .Values.image -}}
{{- if $i.digest -}}
{{- if not (regexMatch "^sha256:[0-9a-f]{64}$" $i.digest) -}}
{{- fail (printf "image.digest: %q is not a digest; expected sha256: followed by 64 hex digits" $i.digest) -}}
{{- end -}}
{{- printf "%s@%s" $i.repository $i.digest -}}
{{- else -}}
{{- printf "%s:%s" $i.repository (default .Chart.AppVersion $i.tag) -}}
{{- end -}}
{{- end -}}

{{- define "akb.apicSecretName" -}}
{{- default (printf "%s-apic-credentials" (include "akb.fullname" .)) .Values.apic.credentials.existingSecret -}}
{{- end -}}

{{- define "akb.uiSecretName" -}}
{{- default (printf "%s-ui-auth" (include "akb.fullname" .)) .Values.ui.existingSecret -}}
{{- end -}}

{{/* Where the pod mounts the two Secrets (the same paths as deploy/base). */}}
{{- define "akb.apicDir" -}}/var/run/secrets/akb/apic{{- end -}}
{{- define "akb.uiDir" -}}/var/run/secrets/akb/ui{{- end -}}

{{/* The key of the UI Secret that holds the credential of the UI auth mode. */}}
{{- define "akb.uiKey" -}}
{{- if eq .Values.ui.auth "basic" -}}basic{{- else -}}token{{- end -}}
{{- end -}}

{{/*
Settings that only make sense together, checked before anything renders: each message names the value
and what would be valid (akb itself would refuse to start with them, later and less visibly).
*/}}
{{- define "akb.validate" -}}
{{- $a := .Values.apic -}}
{{- $c := $a.credentials -}}
{{- if not (has .Values.ui.auth (list "none" "token" "basic" "header")) -}}
{{- fail (printf "ui.auth: %q is not one of none, token, basic, header" .Values.ui.auth) -}}
{{- end -}}
{{- if and (eq .Values.ui.auth "token") (not .Values.ui.existingSecret) (lt (len .Values.ui.token) 16) -}}
{{- fail "ui.token: give a token of at least 16 characters (openssl rand -hex 24) or ui.existingSecret" -}}
{{- end -}}
{{- if and (eq .Values.ui.auth "basic") (not .Values.ui.existingSecret) (not (contains ":" .Values.ui.basic)) -}}
{{- fail "ui.basic: give user:password or ui.existingSecret" -}}
{{- end -}}
{{- if $a.urls -}}
{{- range $a.urls -}}
{{- if not (regexMatch "^https?://[^/\\s]+" .) -}}
{{- fail (printf "apic.urls: %q is not an http(s) URL" .) -}}
{{- end -}}
{{- end -}}
{{- if or (not $a.user) (not $a.tenant) (not $a.vrf) -}}
{{- fail "apic.user, apic.tenant and apic.vrf: required with apic.urls (the tenant and VRF of the cluster's L3Out)" -}}
{{- end -}}
{{- if and (not $c.existingSecret) $a.certificateName (not $c.key) -}}
{{- fail "apic.credentials.key: the private key of apic.certificateName, or apic.credentials.existingSecret" -}}
{{- end -}}
{{- if and (not $c.existingSecret) (not $a.certificateName) (not $c.password) -}}
{{- fail "apic.credentials.password: required with apic.urls (or apic.certificateName with a key, or apic.credentials.existingSecret)" -}}
{{- end -}}
{{- end -}}
{{- end -}}
