#!/usr/bin/env bash
# Install what the admin-board browser test and the Prometheus scrape test need:
#   - chromium          Debian package (/usr/bin/chromium), driven headless
#   - playwright-core   npm package in .cache/node (drives /usr/bin/chromium; it never
#                       downloads a browser of its own)
#   - prometheus        Debian package; the tests start /usr/bin/prometheus themselves
#                       with a temporary config, so any service the package starts is stopped
# Safe to run again: each step is skipped when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_apt.sh

NODE_DIR=$PWD/.cache/node

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/prometheus ] || need_apt+=(prometheus)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-browser: installing ${need_apt[*]} (apt)" >&2
  apt_install "${need_apt[@]}" fonts-dejavu-core
else
  echo "install-browser: chromium and prometheus already installed" >&2
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-browser: installing nodejs and npm (apt)" >&2
  apt_install nodejs npm
fi

# playwright-core 1.65 needs Node >= 20; Debian 12's own nodejs is 18, which 1.49 supports.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -ge 20 ]; then default_version=1.65.1; else default_version=1.49.1; fi
PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-$default_version}

installed=$(node -e "try{console.log(require('$NODE_DIR/node_modules/playwright-core/package.json').version)}catch(e){}" 2>/dev/null || true)
if [ "$installed" = "$PLAYWRIGHT_VERSION" ]; then
  echo "install-browser: playwright-core $PLAYWRIGHT_VERSION already in .cache/node" >&2
else
  echo "install-browser: installing playwright-core $PLAYWRIGHT_VERSION into .cache/node" >&2
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"private": true}' > "$NODE_DIR/package.json"
  # playwright-core has no install script and downloads no browser.
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent \
    "playwright-core@$PLAYWRIGHT_VERSION" >&2
fi
