"""`manage.py backup` copies the database while the site serves, and
`manage.py restore` brings the copy back, every acknowledged comment in it."""

import io
import json
import os
import shlex
import stat
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from test_live_server import (  # noqa: F401 (fixtures)
    Reader,
    server_database_url,
    start_server,
    static_root,
    throwaway_database_url,
)

from comments.models import Comment

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


def documented_backup_arguments():
    """The arguments of the deployment guide's backup example, as the shell would pass them today."""
    section = (ROOT / "docs" / "deployment.md").read_text().split("## Backups", 1)[1]
    [line] = [line for line in section.splitlines() if line.startswith(".venv/bin/python manage.py backup ")]
    command = line.split("#", 1)[0].replace("$(date +%F)", date.today().isoformat())
    return shlex.split(command)[2:]


def test_the_deployment_guides_backup_example_works_where_there_is_no_backups_directory_yet(
    transactional_db, django_db_serialized_rollback, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    arguments = documented_backup_arguments()
    call_command(*arguments, stdout=io.StringIO())
    assert (tmp_path / arguments[-1]).is_file()


def test_the_backups_directory_is_created_for_its_owner_only(transactional_db, django_db_serialized_rollback, tmp_path):
    call_command("backup", str(tmp_path / "backups" / "ta1.backup"), stdout=io.StringIO())
    assert stat.S_IMODE(os.stat(tmp_path / "backups").st_mode) == 0o700


def test_a_backup_is_readable_by_its_owner_only(transactional_db, django_db_serialized_rollback, tmp_path):
    """It holds every reader's email address."""
    call_command("backup", str(tmp_path / "ta1.backup"), stdout=io.StringIO())
    assert stat.S_IMODE(os.stat(tmp_path / "ta1.backup").st_mode) == 0o600


def test_git_ignores_the_backups_directory():
    result = subprocess.run(["git", "check-ignore", "--quiet", "backups/ta1-2025-01-06.sqlite3"], cwd=ROOT)
    assert result.returncode == 0


def backups_in(directory):
    return sorted(path.name for path in directory.iterdir() if not path.name.startswith("."))


def test_keep_deletes_the_oldest_backups_beyond_the_newest_n(transactional_db, django_db_serialized_rollback, tmp_path):
    for day in ("01", "02", "03"):
        call_command("backup", str(tmp_path / f"ta1-2025-01-{day}.backup"), "--keep", "2", stdout=io.StringIO())
    assert backups_in(tmp_path) == ["ta1-2025-01-02.backup", "ta1-2025-01-03.backup"]


def test_keep_never_deletes_a_file_the_backup_command_did_not_write(
    transactional_db, django_db_serialized_rollback, tmp_path
):
    (tmp_path / "copied-by-hand.backup").write_text("kept")
    (tmp_path / "notes.txt").write_text("kept")
    for day in ("01", "02"):
        call_command("backup", str(tmp_path / f"ta1-2025-01-{day}.backup"), "--keep", "1", stdout=io.StringIO())
    assert backups_in(tmp_path) == ["copied-by-hand.backup", "notes.txt", "ta1-2025-01-02.backup"]


def restoring(path):
    """Restore `path` as `manage.py restore PATH --noinput` would, returning its refusal."""
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(path), "--noinput", stdout=io.StringIO())
    return str(refusal.value)


def test_restoring_a_file_that_is_not_a_backup_is_refused_in_one_line_and_changes_nothing(
    pending_comment, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("Not a database at all.\n" * 100)
    refusal = restoring(tmp_path / "notes.txt")
    assert "notes.txt" in refusal
    assert "\n" not in refusal
    assert Comment.objects.get() == pending_comment


def test_restoring_a_truncated_backup_is_refused_in_one_line_and_changes_nothing(
    transactional_db, django_db_serialized_rollback, article, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    backup = tmp_path / "ta1.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    with open(backup, "r+b") as file:
        file.truncate(backup.stat().st_size // 2)
    comment = Comment.objects.create(article=article, name="Ada", email="ada@example.org", body="Sent after.")
    refusal = restoring(backup)
    assert "\n" not in refusal
    assert Comment.objects.get() == comment
