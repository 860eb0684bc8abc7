#!/usr/bin/env bash
# Shared by `npm start` and `npm test`: npm dependencies (installed when missing or stale), then services.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ]; then
  # npm install rather than npm ci: the lock leaves out other platforms' optional binaries, which ci refuses.
  echo "evcms setup: installing npm dependencies" >&2
  npm install --no-audit --no-fund --loglevel=error
elif [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "evcms setup: npm dependencies are stale; installing" >&2
  npm install --no-audit --no-fund --loglevel=error
fi
export PATH="$PWD/node_modules/.bin:$PATH"
bash scripts/services.sh
