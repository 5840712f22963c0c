"""The version of an article's public page, defined once.

Readers' page for an article changes exactly when `Article.updated_at` (a
publish of what readers see) or `Article.comments_changed_at` (a change to the
visible comments) changes, or a review sets its dates: `version()` names them.

Every service that changes what readers see says so itself, in its own
transaction; no signal does it behind their backs:

- `moved()`: drafts.publish(); in comments/, moderation.moderate() (every
  change of status: the queue, bulk actions, the change form, an undo),
  moderation.correct() (a moderator's change to a published comment's text),
  moderation.delete() (the admin's delete, and erasure and the retention
  purge in privacy.py), replies.reply_as_site() and counts.recount(). A
  reader's new comment waits for a moderator and moves nothing.
- `announce()`, for a change the times already name or a page that is gone:
  reviews.mark_reviewed(), the article admin's delete, `load_article` and
  ta1/backups.py's restore.

Nothing else moves the two times but an article's own save (`updated_at`).
What is written past these services cannot call them: an article saved in
the shell shows within REREAD_SECONDS (at once after `announce()`); comments
written in the shell, by bulk_create or by SQL show only after
counts.recount(article), which counts them and moves the page.

`published_article(slug)` answers which published article a slug names, with those two
times, as cheaply as the database allows while never being stale (with Redis,
never by more than REREAD_SECONDS):

- SQLite: `PRAGMA data_version` on the connection changes only when another
  connection has committed, and the connection's own `total_changes` counts
  its own writes; while both stand still the article read last is still
  current, so the real query runs only after a write. It needs no other
  server and sees every write, even one made outside the application, so it
  is used on SQLite whether or not Redis is configured.
- Redis (REDIS_URL, on another database): a token kept there is replaced
  after every commit that moves a version or announces a change (above);
  while it stands still the article read last is current. Redis
  is only a cache and may lose that write (stopped, stuck, full), so the token
  only spares queries in between: each process reads an article again at
  least every REREAD_SECONDS whatever the token says, which bounds how late
  any change shows. While Redis fails, the database is read every time
  (web/redis_outage.py). The token is read with redis-py directly: through
  Django's cache the one GET cost a worker a large share of a cached page's
  whole request.
- PostgreSQL alone: the query, every time.
"""

import functools
import threading
import uuid
from time import monotonic

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from web.redis_outage import outage

from .models import Article

TOKEN_KEY = "ta1:article-version-token"
# The longest a process serves an article it read under a token Redis still
# holds, in case Redis lost the write that replaced it: half of the second
# within which a change must show, leaving the rest for a request that waits
# on a stuck Redis (settings.REDIS_CLIENT_OPTIONS) and for rendering.
REREAD_SECONDS = 0.5


def version(article):
    """The name of what readers see of `article`: it changes exactly when that
    does. A review changes the dates readers see without changing the content
    (reviews.py), so its dates are part of the name too."""
    return (
        f"{article.pk}-{article.updated_at.timestamp():.6f}-{article.comments_changed_at.timestamp():.6f}"
        f"-{article.last_reviewed}-{article.next_review_due}"
    )


def moved(article, *, content=False, comments=False):
    """Record that what readers see of `article` (an Article or its pk)
    changed: its content was published (`content`) or its visible comments
    changed (`comments`). Every process serves the new page at its next request."""
    fields = {}
    now = timezone.now()
    if content:
        fields["updated_at"] = now
    if comments:
        fields["comments_changed_at"] = now
    if not fields:
        raise ValueError("moved() needs content=True, comments=True or both.")
    Article.objects.filter(pk=getattr(article, "pk", article)).update(**fields)
    announce()


def announce():
    """Tell the version check that a version moved: now, so that this
    transaction's own later reads see it, and again once it commits, so that
    no other process keeps what it read in between."""
    check = _check()
    check.changed()
    transaction.on_commit(check.changed)


_SLUG = "\x00slug"


@functools.cache
def _published_by_slug():
    return Article.objects.published().filter(slug=_SLUG).order_by().query.sql_with_params()


def query(slug):
    """The published article with this slug, or None. The query is built by
    the ORM from Article.objects.published() once per process and reused:
    building it costs more than running it."""
    sql, params = _published_by_slug()
    return next(iter(Article.objects.raw(sql, [slug if param == _SLUG else param for param in params])), None)


class QueryCheck:
    """PostgreSQL alone: nothing cheaper is both shared and never stale."""

    def published_article(self, slug):
        return query(slug)

    def changed(self):
        pass


class SQLiteCheck:
    """Remembers, per connection, the articles read since the database last changed."""

    def published_article(self, slug):
        connection.ensure_connection()
        raw = connection.connection
        marks = (raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes)
        state = getattr(connection, "article_versions", None)
        if state is None or state[0] is not raw or state[1] != marks:
            # Read before the query: a commit landing in between makes the
            # next request look again, never the other way round.
            state = connection.article_versions = (raw, marks, {})
        articles = state[2]
        if slug not in articles:
            articles[slug] = query(slug)
        return articles[slug]

    def changed(self):
        # Other connections see the commit in data_version, this one in
        # total_changes: nothing to do.
        pass


class RedisCheck:
    """Remembers, per process, the articles read under the token Redis holds."""

    def __init__(self, client=None):
        # No connection until the first command, so a master process that
        # imports this before forking its workers shares none with them.
        self.client = (
            client if client is not None else redis.Redis.from_url(settings.REDIS_URL, **settings.REDIS_CLIENT_OPTIONS)
        )
        self.articles = {}
        self.lock = threading.Lock()

    def token(self):
        token = self.client.get(TOKEN_KEY)
        if token is None:
            # Missing (a new or flushed Redis): a fresh token, never one seen before.
            self.client.set(TOKEN_KEY, uuid.uuid4().hex, nx=True)
            token = self.client.get(TOKEN_KEY)
        return token

    def published_article(self, slug):
        token = outage.attempt("read the article version token", self.token)
        if token is None:
            return query(slug)
        # Taken before the query: a commit landing during it is read again in time.
        now = monotonic()
        remembered = self.articles.get(slug)
        if remembered is not None and remembered[0] == token and now - remembered[1] < REREAD_SECONDS:
            return remembered[2]
        article = query(slug)
        with self.lock:
            self.articles[slug] = (token, now, article)
        return article

    def changed(self):
        outage.attempt(
            f"replace the article version token (other processes read the change within {REREAD_SECONDS} s)",
            self.client.set,
            TOKEN_KEY,
            uuid.uuid4().hex,
        )


def make_check(kind):
    return {"query": QueryCheck, "sqlite": SQLiteCheck, "redis": RedisCheck}[kind]()


@functools.cache
def _check():
    kind = settings.ARTICLE_VERSION_CHECK
    if kind == "auto":
        if connection.vendor == "sqlite":
            kind = "sqlite"
        elif settings.REDIS_URL:
            kind = "redis"
        else:
            kind = "query"
    return make_check(kind)


def published_article(slug):
    """The published article with this slug (with its version), or None. The
    instance may be the one earlier requests got: read it, never change it
    (copy it for a draft preview)."""
    return _check().published_article(slug)
