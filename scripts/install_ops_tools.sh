#!/usr/bin/env bash
# Install the tools the deployment tests (tests/deploy) need:
#   - helm      -> .cache/bin/helm, built from the Go module proxy (pinned version)
#   - promtool  -> Debian's `prometheus` package, when promtool is not on PATH
#   - kubernetes-validate (+ PyYAML) -> .venv
# Safe to run again: each step is skipped when its tool is already there.
# Without a Go toolchain (helm 3.22 needs Go >= 1.26), the pinned one is fetched
# as the Go module golang.org/toolchain from the same module proxy into .cache/go.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_apt.sh

HELM_VERSION=${HELM_VERSION:-v3.22.0}
GO_TOOLCHAIN=${GO_TOOLCHAIN:-go1.26.0}
BIN_DIR=$PWD/.cache/bin
mkdir -p "$BIN_DIR"

# A Go that can build helm: the one on PATH when new enough (Go >= 1.21 fetches a
# newer toolchain itself through GOTOOLCHAIN), else the pinned toolchain module.
ensure_go() {
  if command -v go >/dev/null 2>&1 && go version | grep -qE 'go1\.(2[1-9]|[3-9][0-9])'; then
    export GOTOOLCHAIN="$GO_TOOLCHAIN+auto"
    return
  fi
  local dir=$PWD/.cache/go/$GO_TOOLCHAIN
  if [ ! -x "$dir/bin/go" ]; then
    echo "ops-tools: fetching Go toolchain $GO_TOOLCHAIN (module golang.org/toolchain)" >&2
    local proxy=${GOPROXY:-https://proxy.golang.org}
    proxy=${proxy%%,*}
    python3 - "$proxy" "$GO_TOOLCHAIN" "$dir" <<'PY'
import io, os, platform, sys, urllib.request, zipfile
proxy, version, target = sys.argv[1:4]
arch = {"x86_64": "amd64", "aarch64": "arm64"}[platform.machine()]
module = f"v0.0.1-{version}.linux-{arch}"
url = f"{proxy}/golang.org/toolchain/@v/{module}.zip"
data = urllib.request.urlopen(url, timeout=600).read()
prefix = f"golang.org/toolchain@{module}/"
with zipfile.ZipFile(io.BytesIO(data)) as archive:
    for info in archive.infolist():
        if not info.filename.startswith(prefix) or info.is_dir():
            continue
        path = os.path.join(target, info.filename[len(prefix):])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(archive.read(info))
        os.chmod(path, (info.external_attr >> 16) & 0o777 or 0o644)
PY
  fi
  export PATH="$dir/bin:$PATH" GOTOOLCHAIN=local
}

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
  ensure_go
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
  apt_install prometheus
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
  .venv/bin/pip install -q -c constraints.txt kubernetes-validate PyYAML
fi
