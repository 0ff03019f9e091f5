#!/usr/bin/env bash
# Fresh machine to a processed session: install, start Kafka + PostgreSQL,
# run the workers on one simulated session, print its stored metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/interviewlm demo "$@"
