"""How each process learns, cheaply and never too late, that an article's version moved."""

import pytest
from django.core.cache import cache
from django.db import connection

from articles import versions


@pytest.fixture
def redis_check(article, monkeypatch):
    # The Redis check talks to Django's cache; the local-memory cache stands in for Redis here.
    check = versions.make_check("redis")
    monkeypatch.setattr(versions, "_check", lambda: check)
    return check


def test_the_redis_check_reads_the_database_only_after_a_change(redis_check, article, django_assert_num_queries):
    redis_check.published(article.slug)
    with django_assert_num_queries(0):
        assert redis_check.published(article.slug) == article
    redis_check.changed()
    with django_assert_num_queries(1):
        redis_check.published(article.slug)


def test_the_redis_check_sees_a_version_moved_by_another_process(
    redis_check, article, django_capture_on_commit_callbacks
):
    before = redis_check.published(article.slug)
    with django_capture_on_commit_callbacks(execute=True):
        versions.moved(article, comments=True)
    assert redis_check.published(article.slug).comments_changed_at > before.comments_changed_at


def test_the_redis_check_reads_the_database_when_the_token_is_lost(redis_check, article, django_assert_num_queries):
    redis_check.published(article.slug)
    cache.clear()
    with django_assert_num_queries(1):
        redis_check.published(article.slug)


def test_the_query_check_always_reads_the_database(article, django_assert_num_queries):
    check = versions.make_check("query")
    with django_assert_num_queries(2):
        check.published(article.slug)
        check.published(article.slug)


def checks_for_this_database():
    # SQLite's data_version exists only on SQLite; the other two work on any database.
    return ["query", "redis", *(["sqlite"] if connection.vendor == "sqlite" else [])]


@pytest.mark.parametrize("kind", checks_for_this_database())
def test_every_check_sees_this_connections_own_writes(article, kind, monkeypatch):
    check = versions.make_check(kind)
    monkeypatch.setattr(versions, "_check", lambda: check)
    check.published(article.slug)
    versions.moved(article, content=True)
    assert check.published(article.slug).updated_at > article.updated_at


def test_an_unpublished_slug_is_none(db):
    assert versions.published("no-such-article") is None


def test_the_version_names_both_times(article):
    before = versions.version(article)
    versions.moved(article, comments=True)
    article.refresh_from_db()
    assert versions.version(article) != before


def test_with_redis_configured_sqlite_still_checks_data_version_and_postgresql_asks_redis(settings, db):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    expected = versions.SQLiteCheck if connection.vendor == "sqlite" else versions.RedisCheck
    assert isinstance(versions._check.__wrapped__(), expected)
