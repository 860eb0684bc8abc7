#!/usr/bin/env bash
# npm start: set up, then run every role in one process with the demo, restarted if it crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DEMO="${DEMO:-1}"
if [ "${EVCMS_SUPERVISE:-1}" != 0 ]; then
  echo "evcms: supervised by npm start (restarted after a crash; EVCMS_SUPERVISE=0 runs it once)." \
    "In production run it under systemd or a container restart policy: docs/operations.md" >&2
fi
exec bash scripts/supervise.sh bash scripts/run.sh "$@"
