"""The moderation queue reads what one page shows, whatever the number of
comments waiting: nothing that counts or reads every comment."""

from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import counts
from comments.models import Comment, Status
from comments.templatetags.comment_admin import queue_date_hierarchy

CHANGELIST = reverse("admin:comments_comment_changelist")
# Around midnight of new year in UTC: another year, month and day in New York.
MOMENTS = [
    datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
    datetime(2025, 1, 1, 3, 0, tzinfo=UTC),
    datetime(2025, 1, 1, 6, 0, tzinfo=UTC),
    datetime(2025, 1, 20, 12, 0, tzinfo=UTC),
    datetime(2025, 3, 1, 4, 59, tzinfo=UTC),
    datetime(2025, 3, 1, 5, 1, tzinfo=UTC),
    datetime(2026, 7, 4, 12, 0, tzinfo=UTC),
]


@pytest.fixture
def dated(article):
    for n, moment in enumerate(MOMENTS):
        status = Status.PENDING if n % 2 else Status.REJECTED
        Comment.objects.create(
            article=article, name=f"Reader {n}", email="r@example.org", body="Hi.", status=status, created_at=moment
        )


def queue_queries(client, query=""):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CHANGELIST + query).status_code == 200
    return [each["sql"] for each in queries.captured_queries]


def test_the_queue_finds_its_dates_without_reading_every_comment(moderator_client, dated):
    assert not [sql for sql in queue_queries(moderator_client, "?status__exact=all") if "DISTINCT" in sql]


def test_the_queue_counts_only_the_comments_it_lists(moderator_client, dated):
    everything = 'SELECT COUNT(*) AS "__count" FROM "comments_comment"'
    assert everything not in queue_queries(moderator_client)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=all",
        "?status__exact=all&created_at__year=2025",
        "?status__exact=all&created_at__year=2025&created_at__month=1",
        "?status__exact=all&created_at__year=2025&created_at__month=3&created_at__day=1",
        "?status__exact=rejected&created_at__year=2024",
        "?status__exact=approved",
    ],
)
def test_the_queue_offers_the_dates_djangos_date_hierarchy_would(rf, moderator, dated, settings, zone, query):
    settings.TIME_ZONE = zone
    request = rf.get(CHANGELIST + query)
    request.user = moderator
    changelist = admin.site._registry[Comment].get_changelist_instance(request)
    assert queue_date_hierarchy(changelist) == date_hierarchy(changelist)


@pytest.fixture
def more_than_a_page_waiting(article):
    for n in range(60):
        Comment.objects.create(article=article, name=f"Reader {n}", email=f"r{n}@example.org", body="Hi.")
    counts.recount(article)


# Pinned, not bounded: each of these is one small read whatever the number of
# comments (the session and user, the moderator's permissions, the article
# filter's choices, the kept counts read once for the counts line and the
# badge, the page's count and its comments, and the date hierarchy's four
# looks into the index), so any query added to every queue page, such as a
# count of comments by status, shows here rather than at 112,000 waiting.
QUEUE_QUERIES = 14


def test_the_queue_page_runs_a_fixed_number_of_queries(
    moderator_client, more_than_a_page_waiting, django_assert_num_queries
):
    moderator_client.get(CHANGELIST)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert moderator_client.get(CHANGELIST).status_code == 200


def test_the_queues_counts_and_badge_read_the_kept_counts_once(moderator_client, more_than_a_page_waiting):
    page = moderator_client.get(CHANGELIST).content.decode()
    kept = [sql for sql in queue_queries(moderator_client) if "comments_statuscount" in sql]
    assert len(kept) == 1
    assert 'data-pending-badge data-count="60"' in page and '<span data-status-count="pending">60</span>' in page
