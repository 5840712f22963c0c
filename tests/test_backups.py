"""`manage.py backup` copies the database while the site serves, and
`manage.py restore` brings the copy back, every acknowledged comment in it."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_live_server import (  # noqa: F401 (fixtures)
    Reader,
    server_database_url,
    start_server,
    static_root,
    throwaway_database_url,
)

ROOT = Path(__file__).resolve().parent.parent
READERS = 4


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the suite's kind, to restore into."""
    with throwaway_database_url(tmp_path, "restored") as url:
        yield url


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=300
    ).stdout


def comment_bodies(env):
    code = "import django, json; django.setup(); from comments.models import Comment; print(json.dumps(list(Comment.objects.values_list('body', flat=True))))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def test_a_backup_taken_while_readers_comment_restores_every_comment_acknowledged_before_it(
    start_server, fresh_database_url, tmp_path
):
    server = start_server(COMMENTS_RATE_LIMIT="1000000")
    acknowledged = []  # (when the redirect arrived, body)
    enough, stop = threading.Event(), threading.Event()

    def comment(number):
        reader = Reader(server.base)
        reader.open_form()
        for count in range(500):
            if stop.is_set():
                return
            body = f"Reader {number}, comment {count}."
            if reader.send(f"Reader {number}", f"reader{number}@example.org", body) == 302:
                acknowledged.append((time.monotonic(), body))
            if len(acknowledged) >= 20:
                enough.set()

    readers = [threading.Thread(target=comment, args=(number,)) for number in range(READERS)]
    for thread in readers:
        thread.start()
    try:
        assert enough.wait(timeout=120)
        backup_began = time.monotonic()
        manage(server.env, "backup", str(tmp_path / "ta1.backup"))
        # Readers kept commenting while the copy was made.
        assert any(when > backup_began for when, _ in acknowledged)
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=120)

    restored_env = {**server.env, "DATABASE_URL": fresh_database_url}
    manage(restored_env, "restore", str(tmp_path / "ta1.backup"), "--noinput")
    restored = comment_bodies(restored_env)
    before_backup = {body for when, body in acknowledged if when < backup_began}
    assert before_backup <= set(restored)
    # Nothing half-written: every restored comment is one a reader was told was received.
    assert set(restored) <= {body for _, body in acknowledged}
    assert len(restored) == len(set(restored))


def test_restore_refuses_a_missing_file(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "nothing-here"), "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"There is no backup at {tmp_path / 'nothing-here'}." in result.stderr
