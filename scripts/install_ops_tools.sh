#!/usr/bin/env bash
# Install the tools the deployment tests (tests/deploy) need:
#   - helm      -> .cache/bin/helm, built from the Go module proxy (pinned version)
#   - promtool  -> Debian's `prometheus` package, when promtool is not on PATH
#   - kubernetes-validate (+ PyYAML) -> .venv
# Safe to run again: each step is skipped when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION=${HELM_VERSION:-v3.22.0}
BIN_DIR=$PWD/.cache/bin
mkdir -p "$BIN_DIR"

# --- helm ------------------------------------------------------------------
# `go install` does not stamp what helm's Makefile stamps: the release version
# and the Kubernetes version that `helm template`/`helm lint` assume (it would
# be v1.20 otherwise). Both are set here the way the Makefile does: the
# Kubernetes minor version is that of the k8s.io/client-go module helm builds with.
stamp=$BIN_DIR/.helm-build
helm_ok() {
  [ -x "$BIN_DIR/helm" ] && [ -f "$stamp" ] && grep -qx "$HELM_VERSION" "$stamp" \
    && "$BIN_DIR/helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"
}
if helm_ok; then
  echo "ops-tools: helm $HELM_VERSION already in .cache/bin" >&2
else
  if ! command -v go >/dev/null 2>&1; then
    echo "ops-tools: the go toolchain is required to build helm" >&2
    exit 1
  fi
  echo "ops-tools: building helm $HELM_VERSION into .cache/bin (go install)" >&2
  gomod=$(cd /tmp && go mod download -json "helm.sh/helm/v3@$HELM_VERSION" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  k8s_minor=$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod" | head -1)
  if [ -z "$k8s_minor" ]; then
    echo "ops-tools: cannot read the client-go version from $gomod" >&2
    exit 1
  fi
  ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
    ldflags="$ldflags -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$k8s_minor"
  done
  GOBIN=$BIN_DIR CGO_ENABLED=0 go install -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$HELM_VERSION" > "$stamp"
  helm_ok || { echo "ops-tools: helm build did not report $HELM_VERSION" >&2; exit 1; }
  echo "ops-tools: helm $HELM_VERSION built (default Kubernetes version 1.$k8s_minor)" >&2
fi

# --- promtool ----------------------------------------------------------------
if command -v promtool >/dev/null 2>&1; then
  echo "ops-tools: promtool already on PATH" >&2
else
  echo "ops-tools: installing Debian's prometheus package for promtool" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # The package starts a prometheus service where an init system runs; the
  # tests only need the promtool binary.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl stop prometheus || true
    systemctl disable prometheus >/dev/null 2>&1 || true
  fi
fi

# --- Python: kubernetes-validate, PyYAML -------------------------------------
if [ ! -x .venv/bin/python ]; then
  echo "ops-tools: .venv is missing; run scripts/bootstrap.sh first" >&2
  exit 1
fi
if .venv/bin/python -c 'import kubernetes_validate, yaml' 2>/dev/null; then
  echo "ops-tools: kubernetes-validate and PyYAML already in .venv" >&2
else
  echo "ops-tools: installing kubernetes-validate and PyYAML into .venv" >&2
  .venv/bin/pip install -q "kubernetes-validate>=1.30" "PyYAML>=6"
fi
