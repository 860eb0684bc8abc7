#!/usr/bin/env bash
# npm test: set up, type-check, lint, then the whole vitest suite against real PostgreSQL, Redis and chDB.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
echo "== typecheck" && tsc --noEmit -p .
echo "== lint" && biome check .
echo "== tests"
results="$(mktemp -d)/vitest.json"
status=0
vitest run --reporter=default --reporter=json --outputFile="$results" "$@" || status=$?
# One plain closing line, whatever the reporter printed above it.
node -e 'const r=require(process.argv[1]);console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results" 2>/dev/null || true
exit "$status"
