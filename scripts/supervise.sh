#!/usr/bin/env bash
# Runs a command and starts it again when it dies, as systemd's Restart=on-failure would:
#   bash scripts/supervise.sh <command> [args...]
# - exit 0 (a clean stop), 2 (a configuration error: a restart cannot mend it), or a stop asked of the
#   supervisor (SIGINT, SIGTERM: forwarded to the command, which shuts down gracefully): no restart;
# - any other end (a crash, an uncaught exception, an OOM kill, kill -9): started again after a delay
#   that doubles from 1 s to 30 s, and falls back to 1 s once a run has lasted 60 s.
# EVCMS_SUPERVISE=0 runs the command once, unsupervised. EVCMS_RESTART_DELAY sets the first delay (s).
set -uo pipefail
[ "$#" -gt 0 ] || { echo "supervise: expected a command" >&2; exit 2; }
if [ "${EVCMS_SUPERVISE:-1}" = 0 ]; then exec "$@"; fi

child=0
stopping=0
forward() {
  stopping=1
  [ "$child" -gt 0 ] && kill -s "$1" "$child" 2>/dev/null
}
trap 'forward INT' INT
trap 'forward TERM' TERM

first="${EVCMS_RESTART_DELAY:-1}"
delay="$first"
while :; do
  started=$SECONDS
  "$@" &
  child=$!
  # wait returns early when a trapped signal arrives; wait again until the command has really ended.
  while :; do
    wait "$child"
    status=$?
    kill -0 "$child" 2>/dev/null || break
  done
  child=0
  if [ "$stopping" = 1 ] || [ "$status" = 0 ] || [ "$status" = 2 ]; then exit "$status"; fi
  [ $((SECONDS - started)) -ge 60 ] && delay="$first"
  echo "supervise: the process ended with status $status; starting it again in ${delay} s" >&2
  sleep "$delay" &
  wait $! 2>/dev/null
  [ "$stopping" = 1 ] && exit "$status"
  delay=$((delay * 2))
  [ "$delay" -gt 30 ] && delay=30
done
