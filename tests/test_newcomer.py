"""A newcomer's first commands: a clear word when something is missing,
where the site is, and a development database of its own."""

import io
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment, Status

ROOT = Path(__file__).resolve().parent.parent
LOOKUP = ROOT / "tests" / "browser" / "chromium.py"
MISSING = (
    "No Chromium for the browser tests: install it (Debian or Ubuntu: apt-get install chromium) "
    "or set CHROMIUM_PATH to a Chromium or Chrome program."
)


def find_chromium(**env):
    return subprocess.run([sys.executable, LOOKUP], env=env, capture_output=True, text=True, timeout=30)


def test_without_a_browser_the_lookup_says_in_one_line_how_to_get_one(tmp_path):
    result = find_chromium(PATH=str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [MISSING]


def test_a_wrong_chromium_path_is_named(tmp_path):
    result = find_chromium(PATH=os.environ["PATH"], CHROMIUM_PATH="/no/such/chromium")
    assert result.returncode == 1
    assert result.stderr.startswith("CHROMIUM_PATH=/no/such/chromium is not a program that can run.")


def test_the_lookup_finds_chromium_on_the_path(tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    result = find_chromium(PATH=str(tmp_path))
    assert result.stdout.strip() == str(browser)


MAKE = shutil.which("make")


def make(*args, **env):
    # -o: take the virtualenv as up to date; these tests are about what comes after.
    return subprocess.run(
        [MAKE, "--no-print-directory", "-o", ".venv/.dev", "-o", ".venv/.runtime", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_test_without_a_browser_stops_at_once_with_that_line(tmp_path):
    result = make("test", PATH=str(tmp_path), CHROMIUM_PATH="")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == MISSING
    assert "pytest" not in result.stdout + result.stderr


def test_make_run_on_a_busy_port_says_so_in_one_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = make("port-free", f"PORT={port}")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (
        f"Port {port} is in use by another program: stop it, or pick another port, e.g. PORT=8080 make port-free"
    )


def site_urls_given(tmp_path, target, *args, **env):
    """The SITE_URL each command of `make target` would be given: a shell
    that runs nothing prints it instead."""
    shell = tmp_path / "shell"
    shell.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL"\n')
    shell.chmod(0o755)
    result = make(target, f"SHELL={shell}", *args, **env)
    return {line for line in result.stdout.splitlines() if line.startswith("SITE_URL=")}


@pytest.mark.parametrize("target", ["run", "dev"])
def test_make_run_and_dev_mail_links_to_the_port_they_serve_on(tmp_path, target):
    assert site_urls_given(tmp_path, target, "PORT=8123", SITE_URL="") == {"SITE_URL=http://127.0.0.1:8123"}


def test_make_run_keeps_a_site_url_that_is_set(tmp_path):
    given = site_urls_given(tmp_path, "run", "PORT=8123", SITE_URL="https://ta1.example.org")
    assert given == {"SITE_URL=https://ta1.example.org"}


def test_sample_comments_in_every_state_go_into_the_development_database(tmp_path):
    """As `make dev` runs it, whatever database the suite itself uses."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.dev.sqlite3'}"}
    for command in (["migrate", "--noinput"], ["load_article"], ["seed_sample_comments"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )
    code = "import django; django.setup(); from comments.models import Comment; print(sorted(set(Comment.objects.values_list('status', flat=True))))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    assert result.stdout.split("\n")[-2] == str(sorted(Status.values))


def test_sample_comments_never_go_into_another_database(loaded_article):
    with pytest.raises(CommandError, match="Sample comments go only into db.dev.sqlite3"):
        call_command("seed_sample_comments", stdout=io.StringIO())
    assert not Comment.objects.exists()
