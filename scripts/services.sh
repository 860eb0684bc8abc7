#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer. With DATABASE_URL / REDIS_URL set, only checks them.
# Otherwise uses the local servers: starts them, or installs them from Debian's packages when root.
# Stops with a message naming what is missing and how to provide it.
set -uo pipefail

say() { printf 'evcms setup: %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

host_port() { # URL default-port -> "host port"
  node -e 'const u=new URL(process.argv[1]);console.log((u.hostname||"127.0.0.1").replace(/^\[|\]$/g,"")+" "+(u.port||process.argv[2]))' "$1" "$2"
}

wait_port() { for _ in $(seq 1 60); do port_open "$1" "$2" && return 0; sleep 0.5; done; return 1; }

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then return 1; fi
  say "installing $* from the system's packages"
  { [ -n "${EVCMS_APT_UPDATED:-}" ] || apt-get update -qq; } && EVCMS_APT_UPDATED=1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  local hp; hp=$(host_port "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/evcms}" 5432)
  set -- $hp
  port_open "$1" "$2" && return 0
  if [ -n "${DATABASE_URL:-}" ]; then say "PostgreSQL at DATABASE_URL ($1:$2) does not answer; start it or fix DATABASE_URL"; return 1; fi
  say "PostgreSQL is not running on $1:$2; starting it"
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql || { say "PostgreSQL is missing: install it (apt-get install postgresql) or set DATABASE_URL"; return 1; }
    local conf; conf=$(ls -d /etc/postgresql/*/main | head -1)
    # Local development trusts loopback connections, as the default DATABASE_URL expects.
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/; s/^(local\s+all\s+postgres\s+)\S+/\1trust/' "$conf/pg_hba.conf"
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || service postgresql start >/dev/null 2>&1 || true
  wait_port "$1" "$2" || { say "PostgreSQL did not start on $1:$2 (see /var/log/postgresql)"; return 1; }
}

ensure_redis() {
  local hp; hp=$(host_port "${REDIS_URL:-redis://127.0.0.1:6379}" 6379)
  set -- $hp
  port_open "$1" "$2" && return 0
  if [ -n "${REDIS_URL:-}" ]; then say "Redis at REDIS_URL ($1:$2) does not answer; start it or fix REDIS_URL"; return 1; fi
  say "Redis is not running on $1:$2; starting it"
  command -v redis-server >/dev/null || apt_install redis-server || { say "Redis is missing: install it (apt-get install redis-server) or set REDIS_URL"; return 1; }
  # The telemetry buffer lives in Redis: an append-only file, synced every second, in a directory that
  # outlives a reboot (DATA_DIR), so a restarted Redis still holds the samples already answered.
  local dir; dir=$(mkdir -p "${DATA_DIR:-./data}/redis" && cd "${DATA_DIR:-./data}/redis" && pwd) || { say "cannot create ${DATA_DIR:-./data}/redis"; return 1; }
  redis-server --daemonize yes --bind 127.0.0.1 --port "$2" --save "" --appendonly yes --appendfsync everysec \
    --dir "$dir" --logfile "$dir/redis.log" >/dev/null
  wait_port "$1" "$2" || { say "Redis did not start on $1:$2 (see $dir/redis.log)"; return 1; }
}

ensure_postgres && ensure_redis
