#!/usr/bin/env bash
# The whole test suite, from a fresh machine: unit tests, and integration tests
# against a real Kafka broker and PostgreSQL server that the suite starts itself,
# plus the deployment, browser and Prometheus tests. It first installs what those
# need (each step is skipped when already done, so a second run starts at once):
#   scripts/bootstrap.sh          Java + Maven, .venv with the pinned packages
#   scripts/install_ops_tools.sh  helm, promtool, kubernetes-validate
#   scripts/install_browser.sh    Chromium, Prometheus, playwright-core
#   scripts/install_clients.sh    the platform's clients: Node bullmq and kafkajs (npm ci,
#                                 tests/node/package-lock.json), kcat, redis-server
# After that a missing tool is a failure, never a skip. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/install_ops_tools.sh
bash scripts/install_browser.sh
bash scripts/install_clients.sh
export INTERVIEWLM_REQUIRE_TOOLS=1
exec .venv/bin/pytest "$@"
