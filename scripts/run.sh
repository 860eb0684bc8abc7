#!/usr/bin/env bash
# Runs one evcms process in the foreground, with the Node flags every evcms process uses, and no set-up:
# what systemd (deploy/systemd/evcms.service), a container (Dockerfile) and scripts/start.sh run.
set -euo pipefail
cd "$(dirname "$0")/.."
# The Node the project pins (devDependency "node"), or the one on PATH where dev dependencies are left out (the image).
node=node_modules/.bin/node
[ -x "$node" ] || node=node
# Word splitting is wanted: one flag per line.
# shellcheck disable=SC2046
exec "$node" $(bash scripts/node-flags.sh) --import tsx system/main.ts "$@"
