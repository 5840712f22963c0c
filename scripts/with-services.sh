#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster and Redis server:
#
#   scripts/with-services.sh .venv/bin/pytest
#
# Both live in one temporary directory and listen only on Unix sockets there;
# the command gets DATABASE_URL and REDIS_URL pointing at them. Both are
# stopped and the directory removed when the command ends, passed or failed.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
for program in "$PG_BIN/initdb" "$PG_BIN/pg_ctl" "$REDIS_SERVER"; do
  [ -x "$program" ] || { echo "$program not found: install postgresql-15 and redis-server." >&2; exit 1; }
done

workdir=$(mktemp -d /tmp/ta1-services.XXXXXX)
pgdata="$workdir/pg"

# PostgreSQL refuses to run as root (as CI does): run it as an unprivileged
# user that owns the temporary directory.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id -u ta1test >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin ta1test
  chown ta1test "$workdir"
  as_owner=(runuser -u ta1test --)
fi

cleanup() {
  local status=$?
  if [ -f "$pgdata/postmaster.pid" ]; then
    (cd "$workdir" && "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1) || true
  fi
  if [ -f "$workdir/redis.pid" ]; then
    kill "$(cat "$workdir/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$workdir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$workdir"
"${as_owner[@]}" "$PG_BIN/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$workdir/initdb.log"
# Durability across power loss is not what these tests are about; skipping
# fsync makes the cluster several times faster.
"${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$pgdata" -l "$workdir/postgres.log" -w start \
  -o "-c listen_addresses='' -c unix_socket_directories='$workdir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null
"$PG_BIN/createdb" -h "$workdir" -U postgres ta1

"$REDIS_SERVER" --port 0 --unixsocket "$workdir/redis.sock" --unixsocketperm 700 --save "" --appendonly no \
  --daemonize yes --pidfile "$workdir/redis.pid" --logfile "$workdir/redis.log" --dir "$workdir"
for _ in $(seq 100); do
  [ -S "$workdir/redis.sock" ] && break
  sleep 0.1
done
[ -S "$workdir/redis.sock" ] || { echo "redis-server did not start:" >&2; cat "$workdir/redis.log" >&2; exit 1; }
cd - >/dev/null

export DATABASE_URL="postgres://postgres@${workdir//\//%2F}/ta1"
export REDIS_URL="unix://$workdir/redis.sock"
echo "PostgreSQL and Redis running in $workdir"
"$@"
