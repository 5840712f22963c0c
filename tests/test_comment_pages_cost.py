"""A page of comments reads what it shows, whatever the number of comments:
the counts are the article's own, the newest page (the one readers land on)
is read back from the newest thread, and an older page starts from the thread
just outside it, found in the index, never past an OFFSET of rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import counts
from comments.models import Comment, Status


def page_queries(client, article, query=""):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url() + query).status_code == 200
    return [each["sql"] for each in queries.captured_queries]


def ids_on(client, article, query=""):
    html = client.get(article.get_absolute_url() + query).content.decode()
    return [int(pk) for pk in re.findall(r'<li id="comment-(\d+)"', html)]


def test_a_page_of_comments_counts_no_comments(client, busy_article):
    assert not [sql for sql in page_queries(client, busy_article) if "COUNT(" in sql]


def test_the_newest_page_reads_back_from_the_newest_thread_without_an_offset(client, busy_article):
    assert not [sql for sql in page_queries(client, busy_article) if "OFFSET" in sql]


@pytest.mark.parametrize("query", ["?page=2", "?page=3"])
def test_an_older_page_reads_no_rows_of_the_pages_beside_it(client, busy_article, settings, query):
    settings.COMMENTS_PER_PAGE = 15
    rows = [sql for sql in page_queries(client, busy_article, query) if '"comments_comment"."body_html"' in sql]
    assert rows and not [sql for sql in rows if "OFFSET" in sql]


def test_threads_begun_in_the_same_instant_are_paged_in_the_order_of_their_ids(client, article, settings):
    settings.COMMENTS_PER_PAGE = 2
    now = timezone.now()
    threads = [
        Comment.objects.create(
            article=article, name=f"R{n}", email="r@example.org", body="Hi.", status=Status.APPROVED, created_at=now
        ).pk
        for n in range(7)
    ]
    counts.recount(article)
    pages = [ids_on(client, article, f"?page={number}") for number in (1, 2, 3)] + [ids_on(client, article)]
    assert pages == [threads[0:2], threads[2:4], threads[4:6], threads[6:]]
