"""How each process learns, cheaply and never too late, that an article's version moved."""

import socket

import pytest
import redis
from django.db import connection

from articles import versions


class RedisStandIn:
    """The two commands the check sends, for `make test`, which runs without
    a Redis server; `make test-postgres` runs these tests against a real one."""

    def __init__(self):
        self.values = {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, nx=False):
        if nx and key in self.values:
            return None
        self.values[key] = value.encode()
        return True

    def delete(self, key):
        self.values.pop(key, None)


@pytest.fixture
def redis_client(settings):
    if not settings.REDIS_URL:
        return RedisStandIn()
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(versions.TOKEN_KEY)
    return client


def make_check(kind, redis_client):
    return versions.RedisCheck(client=redis_client) if kind == "redis" else versions.make_check(kind)


@pytest.fixture
def redis_check(article, monkeypatch, redis_client):
    check = make_check("redis", redis_client)
    monkeypatch.setattr(versions, "_check", lambda: check)
    return check


def test_the_redis_check_reads_the_database_only_after_a_change(redis_check, article, django_assert_num_queries):
    redis_check.published_article(article.slug)
    with django_assert_num_queries(0):
        assert redis_check.published_article(article.slug) == article
    redis_check.changed()
    with django_assert_num_queries(1):
        redis_check.published_article(article.slug)


def test_the_redis_check_sees_a_version_moved_by_another_process(
    redis_check, article, django_capture_on_commit_callbacks
):
    before = redis_check.published_article(article.slug)
    with django_capture_on_commit_callbacks(execute=True):
        versions.moved(article, comments=True)
    assert redis_check.published_article(article.slug).comments_changed_at > before.comments_changed_at


def test_the_redis_check_reads_the_database_when_the_token_is_lost(
    redis_check, redis_client, article, django_assert_num_queries
):
    redis_check.published_article(article.slug)
    redis_client.delete(versions.TOKEN_KEY)
    with django_assert_num_queries(1):
        redis_check.published_article(article.slug)


def test_the_query_check_always_reads_the_database(article, django_assert_num_queries):
    check = versions.make_check("query")
    with django_assert_num_queries(2):
        check.published_article(article.slug)
        check.published_article(article.slug)


def checks_for_this_database():
    # SQLite's data_version exists only on SQLite; the other two work on any database.
    return ["query", "redis", *(["sqlite"] if connection.vendor == "sqlite" else [])]


@pytest.mark.parametrize("kind", checks_for_this_database())
def test_every_check_sees_this_connections_own_writes(article, kind, monkeypatch, redis_client):
    check = make_check(kind, redis_client)
    monkeypatch.setattr(versions, "_check", lambda: check)
    check.published_article(article.slug)
    versions.moved(article, content=True)
    assert check.published_article(article.slug).updated_at > article.updated_at


def test_an_unpublished_slug_is_none(db):
    assert versions.published_article("no-such-article") is None


def test_the_version_names_both_times(article):
    before = versions.version(article)
    versions.moved(article, comments=True)
    article.refresh_from_db()
    assert versions.version(article) != before


def test_with_redis_configured_sqlite_still_checks_data_version_and_postgresql_asks_redis(settings, db):
    settings.REDIS_URL = "redis://redis.invalid"
    expected = versions.SQLiteCheck if connection.vendor == "sqlite" else versions.RedisCheck
    assert isinstance(versions._check.__wrapped__(), expected)


def test_with_redis_down_the_redis_check_reads_the_database(article, django_assert_num_queries):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the probe closes
    check = versions.RedisCheck(client=redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1))
    with django_assert_num_queries(1):
        assert check.published_article(article.slug) == article
