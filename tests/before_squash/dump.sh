#!/usr/bin/env bash
# Writes sqlite.sql and postgresql.sql beside this script: an empty database
# as `manage.py migrate` left it on the last code with the migrations before
# their squash (1543dbc), for test_upgrade.py. Written once; kept as a record
# of how. From the project's directory:
#
#   mkdir /tmp/before-squash && git archive 1543dbc | tar -x -C /tmp/before-squash
#   ln -s "$PWD/.venv" /tmp/before-squash/.venv
#   scripts/with-services.sh tests/before_squash/dump.sh /tmp/before-squash
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
old=$1
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cd "$old"

rm -f before.sqlite3
DATABASE_URL="sqlite:///$old/before.sqlite3" .venv/bin/python manage.py migrate --noinput --verbosity 0
sqlite3 before.sqlite3 .dump >"$here/sqlite.sql"

.venv/bin/python manage.py migrate --noinput --verbosity 0
# Session settings, the empty search path and psql's commands are for psql:
# loaded into a test's connection the settings would outlive the load.
"$PG_BIN/pg_dump" --dbname="$DATABASE_URL" --no-owner --no-privileges --no-comments --inserts \
  | grep -v -e '^SET ' -e '^\\' -e "^SELECT pg_catalog.set_config('search_path'" -e '^--' -e '^$' >"$here/postgresql.sql"
