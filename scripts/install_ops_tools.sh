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
helm_ok() {
  [ -x "$BIN_DIR/helm" ] && "$BIN_DIR/helm" version --template '{{.Version}}' 2>/dev/null \
    | grep -qx "$HELM_VERSION"
}
if helm_ok; then
  echo "ops-tools: helm $HELM_VERSION already in .cache/bin" >&2
else
  if ! command -v go >/dev/null 2>&1; then
    echo "ops-tools: the go toolchain is required to build helm" >&2
    exit 1
  fi
  echo "ops-tools: building helm $HELM_VERSION into .cache/bin (go install)" >&2
  # The version string is stamped the way helm's own Makefile does it, so that
  # `helm version` reports the pinned release rather than a dev build.
  GOBIN=$BIN_DIR CGO_ENABLED=0 go install \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  helm_ok || { echo "ops-tools: helm build did not report $HELM_VERSION" >&2; exit 1; }
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
