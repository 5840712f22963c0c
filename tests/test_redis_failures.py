"""Redis is a cache: stopped, stuck or refusing writes, it never takes the
article down. Readers get the current page from the database, comments and
moderation carry on, and a change Redis failed to announce still shows within
versions.REREAD_SECONDS. These run against a real redis-server of their own,
on either database."""

import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse
from test_live_server import throwaway_database_url

from articles import versions
from comments.models import Comment, Status
from comments.moderation import approve

REDIS_SERVER = "/usr/bin/redis-server"
ROOT = django_settings.BASE_DIR


class RedisServer:
    """A throwaway redis-server listening only on a Unix socket in `directory`,
    started as scripts/with-services.sh starts one."""

    def __init__(self, directory):
        self.socket = directory / "redis.sock"
        self.url = f"unix://{self.socket}"
        self.process = subprocess.Popen(
            [
                *(REDIS_SERVER, "--port", "0", "--unixsocket", self.socket, "--unixsocketperm", "700"),
                *("--save", "", "--appendonly", "no", "--dir", directory, "--logfile", directory / "redis.log"),
            ]
        )
        self.admin = redis.Redis.from_url(self.url)
        for _ in range(200):
            if self.socket.exists():
                break
            time.sleep(0.05)
        self.admin.ping()

    def pause(self):
        """Answer no client, as a Redis stuck on a slow command or a full disk would."""
        self.admin.execute_command("CLIENT", "PAUSE", 10_000, "ALL")

    def refuse_writes(self):
        """Refuse every write, as a full Redis with no eviction does; reads still work."""
        self.admin.config_set("maxmemory-policy", "noeviction")
        self.admin.config_set("maxmemory", 1)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def redis_server(tmp_path, settings):
    """The cache and the version token in a redis-server of the test's own."""
    server = RedisServer(tmp_path)
    settings.REDIS_URL = server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "ta1",
            "OPTIONS": settings.REDIS_CLIENT_OPTIONS,
        }
    }
    settings.ARTICLE_VERSION_CHECK = "redis"
    versions._check.cache_clear()
    yield server
    server.stop()
    versions._check.cache_clear()


class Clock:
    """The version check's clock, moved by hand."""

    def __init__(self):
        self.now = time.monotonic()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(versions, "monotonic", clock)
    return clock


def article_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_with_redis_stopped_readers_get_the_page_from_the_database(redis_server, client, article, approved_comment):
    redis_server.stop()
    assert approved_comment.body in article_page(client, article)


def test_with_redis_stopped_a_reader_can_post_a_comment(redis_server, post_comment, article):
    redis_server.stop()
    response = post_comment(body="Sent while Redis was down.")
    assert response.status_code == 302
    assert Comment.objects.get(body="Sent while Redis was down.").status == Status.PENDING


def test_with_redis_stopped_an_approval_shows_to_readers(
    redis_server, moderator_client, article, pending_comment, django_capture_on_commit_callbacks
):
    article_page(moderator_client, article)
    redis_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            reverse("admin:comments_comment_decide", args=[pending_comment.pk]), {"to": Status.APPROVED}
        )
    assert response.status_code == 302
    assert pending_comment.body in article_page(moderator_client, article)


def test_with_redis_answering_no_one_readers_get_the_page_from_the_database(
    redis_server, client, article, approved_comment
):
    redis_server.pause()
    assert approved_comment.body in article_page(client, article)


def test_an_approval_redis_refused_to_announce_shows_once_the_reread_bound_has_passed(
    redis_server, clock, client, article, pending_comment, moderator, django_capture_on_commit_callbacks
):
    assert pending_comment.body not in article_page(client, article)
    redis_server.refuse_writes()
    with django_capture_on_commit_callbacks(execute=True):
        approve(pending_comment, by=moderator)
    clock.advance(versions.REREAD_SECONDS)
    assert pending_comment.body in article_page(client, article)


# What an operator does in another process: a database of the site's own,
# backed up and brought back (a restore refuses a file that is not one).
BACKUP_AND_RESTORE = """
import sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("backup", sys.argv[1])
call_command("restore", sys.argv[1], interactive=False)
"""


def test_a_restore_makes_every_process_read_the_article_again(
    redis_server, clock, article, tmp_path, django_assert_num_queries
):
    check = versions._check()
    check.published_article(article.slug)
    with throwaway_database_url(tmp_path, "restored") as database_url:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ta1.settings", "DATABASE_URL": database_url}
        env.update(REDIS_URL=redis_server.url, ARTICLE_VERSION_CHECK="redis")
        subprocess.run(
            [sys.executable, "-c", BACKUP_AND_RESTORE, str(tmp_path / "ta1.backup")],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    with django_assert_num_queries(1):
        check.published_article(article.slug)
