#!/usr/bin/env bash
# npm start: set up, then run every role in one process with the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DEMO="${DEMO:-1}"
exec node_modules/.bin/node --import tsx system/main.ts "$@"
