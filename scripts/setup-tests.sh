#!/usr/bin/env bash
# Installs what `npm test` needs besides `npm ci`, each step idempotent (a second run only checks):
# the Temporal CLI, source-faker and PyAirbyte (.venv), the real Airbyte connectors
# (.venv-connectors) and Toxiproxy (.tmp, for the network chaos tests). .ci/run runs the same
# three scripts, each in a section of its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-python.sh
bash scripts/setup-connectors.sh
bash scripts/setup-toxiproxy.sh
