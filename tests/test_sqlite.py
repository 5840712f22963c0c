"""The default SQLite database takes concurrent writers from several server
processes without "database is locked".

These run against a file of their own in separate processes, as the server's
workers do, whichever database the rest of the suite uses."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_python(code, database_file, *args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ta1.settings", "DATABASE_URL": f"sqlite:///{database_file}"}
    return subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup()\n" + code, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


PRAGMAS = """
import json
from django.db import connection
with connection.cursor() as cursor:
    values = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "synchronous", "busy_timeout")}
values["transaction_mode"] = connection.settings_dict["OPTIONS"]["transaction_mode"]
print(json.dumps(values))
"""


def test_sqlite_connections_use_wal_a_busy_timeout_and_immediate_transactions(tmp_path):
    process = django_python(PRAGMAS, tmp_path / "db.sqlite3")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert json.loads(out) == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "busy_timeout": 20000,
        "transaction_mode": "IMMEDIATE",
    }


# Read, then write, in one transaction: the pattern (count, then insert) that
# fails at once with "database is locked" when transactions start deferred,
# because a reader cannot become a writer after another process has written.
WRITER = """
import sys
from django.db import OperationalError, connection, transaction
failures = 0
for n in range(int(sys.argv[1])):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM entry")
            cursor.execute("INSERT INTO entry (n) VALUES (%s)", [n])
    except OperationalError as error:
        failures += 1
        print(error, file=sys.stderr)
print(failures)
"""


def test_concurrent_writers_from_several_processes_all_succeed(tmp_path):
    database_file = tmp_path / "db.sqlite3"
    with sqlite3.connect(database_file) as connection:
        # As after `migrate`, which runs before any server process starts:
        # the file is already in WAL mode when the writers open it.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE entry (n integer)")
    writers, writes = 8, 40
    processes = [django_python(WRITER, database_file, str(writes)) for _ in range(writers)]
    results = [process.communicate(timeout=120) for process in processes]
    assert [int(out) for out, _ in results] == [0] * writers, [err for _, err in results]
    with sqlite3.connect(database_file) as connection:
        assert connection.execute("SELECT count(*) FROM entry").fetchone()[0] == writers * writes


DUPLICATE_CHECK_PLAN = """
import json
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from articles.models import Article
from comments import spam
call_command("migrate", verbosity=0)
with CaptureQueriesContext(connection) as queries:
    spam.earlier_copy(Article(pk=1), "reader@example.org", "Same text.", now=timezone.now())
with connection.cursor() as cursor:
    cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[0]["sql"])
    print(json.dumps([row[-1] for row in cursor.fetchall()]))
"""


def test_the_duplicate_check_reads_one_addresss_recent_comments_not_the_whole_articles(tmp_path):
    # Without statistics SQLite picked the article's index and read every
    # comment on it for each post, slower with every comment stored.
    process = django_python(DUPLICATE_CHECK_PLAN, tmp_path / "db.sqlite3")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1]) == [
        "SEARCH comments_comment USING INDEX comment_email_created (email_key=? AND created_at>?)"
    ]
