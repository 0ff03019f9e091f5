#!/usr/bin/env bash
# The whole test suite: unit tests, and integration tests against a real Kafka
# broker and a real PostgreSQL server that the suite starts itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/pytest "$@"
