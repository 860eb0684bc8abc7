#!/usr/bin/env bash
# npm start: set up, then run every role in one process with the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DEMO="${DEMO:-1}"
# Word splitting is wanted: one flag per line.
# shellcheck disable=SC2046
exec node_modules/.bin/node $(bash scripts/node-flags.sh) --import tsx system/main.ts "$@"
