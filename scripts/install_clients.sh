#!/usr/bin/env bash
# Install the platform's own clients, for the tests that publish exactly as it does:
#   - nodejs + npm      Debian packages, if missing
#   - bullmq, kafkajs   npm packages pinned by tests/node/package-lock.json, installed
#                       with `npm ci` into .cache/platform-node (the bridge test adds jobs
#                       with bullmq; the platform-traffic tests publish with kafkajs)
#   - redis-server      Debian package; the bridge test starts its own server, so the
#                       service the package starts is stopped
#   - kcat              Debian package (librdkafka's command-line producer)
# Safe to run again: each step is skipped when already done (the npm step when the
# lockfile has not changed since the last install).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_apt.sh

NODE_DIR=$PWD/.cache/platform-node
LOCK=tests/node/package-lock.json

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
[ -x /usr/bin/redis-server ] || need_apt+=(redis-server)
command -v kcat >/dev/null 2>&1 || need_apt+=(kcat)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-clients: installing ${need_apt[*]} (apt)" >&2
  apt_install "${need_apt[@]}"  # stops the redis service the package starts
else
  echo "install-clients: node, npm, redis-server and kcat already installed" >&2
fi

stamp=$NODE_DIR/.installed-$(sha256sum "$LOCK" | cut -c1-16)
if [ -f "$stamp" ] && [ -d "$NODE_DIR/node_modules/bullmq" ] && [ -d "$NODE_DIR/node_modules/kafkajs" ]; then
  echo "install-clients: bullmq and kafkajs already in .cache/platform-node" >&2
else
  echo "install-clients: installing bullmq and kafkajs into .cache/platform-node (npm ci)" >&2
  mkdir -p "$NODE_DIR"
  cp tests/node/package.json "$LOCK" "$NODE_DIR/"
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund --silent >&2)
  rm -f "$NODE_DIR"/.installed-*
  touch "$stamp"
fi
