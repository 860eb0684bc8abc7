#!/usr/bin/env bash
# Runs one evcms process in the foreground, with the Node flags every evcms process uses, and no set-up:
# what systemd (deploy/systemd/evcms.service), a container (Dockerfile) and scripts/start.sh run.
set -euo pipefail
cd "$(dirname "$0")/.."
# The Node the project pins (devDependency "node"), or the one on PATH where dev dependencies are left out (the image).
node=node_modules/.bin/node
[ -x "$node" ] || node=node
# The entry point, named here only. Production runs the compiled JavaScript (npm run build) with plain Node;
# EVCMS_DEV=1 (npm run dev) runs the TypeScript source through tsx instead.
entry=system/main
if [ "${EVCMS_DEV:-0}" = 1 ]; then
  set -- --import tsx "$entry.ts" "$@"
else
  if [ ! -f "dist/$entry.js" ]; then
    echo "evcms: dist/$entry.js is missing: run npm run build (or npm start, which builds)" >&2
    exit 1
  fi
  set -- "dist/$entry.js" "$@"
fi
# Word splitting is wanted: one flag per line.
# shellcheck disable=SC2046
exec "$node" $(bash scripts/node-flags.sh) "$@"
