#!/usr/bin/env bash
# The Node flags every evcms process runs with (npm start, the role scripts, bench:ocpp), one per line.
# Usage: bash scripts/node-flags.sh [cores]   (cores: the machine's, by default)
#
# --v8-pool-size: V8's background threads (concurrent marking, parallel scavenges and compaction). Node
# starts 4 whatever the machine; on 2 cores a mark-compact of the gateway's heap then ran 3 to 4 threads
# at once and took every core from the event loop, the load, Redis and PostgreSQL for 150 to 250 ms
# (measured in bench:ocpp). One core less than the machine has, 1 to 4, leaves the event loop a core.
# A --v8-pool-size in NODE_OPTIONS wins: nothing is printed for it then.
set -euo pipefail
cores="${1:-$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}"
if ! [[ "$cores" =~ ^[0-9]+$ ]] || [ "$cores" -lt 1 ]; then
  echo "node-flags: expected a whole number of cores, got '$cores'" >&2
  exit 2
fi
if [[ " ${NODE_OPTIONS:-} " != *"--v8-pool-size"* ]]; then
  pool=$((cores - 1))
  [ "$pool" -lt 1 ] && pool=1
  [ "$pool" -gt 4 ] && pool=4
  echo "--v8-pool-size=$pool"
fi
