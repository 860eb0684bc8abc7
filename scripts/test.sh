#!/usr/bin/env bash
# npm test: set up, type-check, lint, then the whole vitest suite against real PostgreSQL, Redis and chDB.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
echo "== typecheck" && tsc --noEmit -p .
echo "== lint" && biome check .
echo "== tests" && exec vitest run "$@"
