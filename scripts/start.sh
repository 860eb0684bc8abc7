#!/usr/bin/env bash
# npm start: set up, then run every role in one process with the demo, restarted if it crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The compiled JavaScript, built when dist/ is missing or older than any source file (npm run dev runs the source).
if [ "${EVCMS_DEV:-0}" != 1 ]; then
  stamp=dist/.source-commit
  if [ ! -f "$stamp" ] || [ -n "$(find . -path ./node_modules -prune -o -path ./dist -prune -o -path ./data -prune -o -path ./.git -prune -o \
    \( -name '*.ts' -o -name '*.sql' -o -name '*.graphql' -o -name 'package.json' -o -name 'tsconfig*.json' \) -newer "$stamp" -print -quit)" ]; then
    echo "evcms: building dist/ (npm run build)" >&2
    bash scripts/build.sh
  fi
fi
export DEMO="${DEMO:-1}"
if [ "${EVCMS_SUPERVISE:-1}" != 0 ]; then
  echo "evcms: supervised by npm start (restarted after a crash; EVCMS_SUPERVISE=0 runs it once)." \
    "In production run it under systemd or a container restart policy: docs/operations.md" >&2
fi
exec bash scripts/supervise.sh bash scripts/run.sh "$@"
