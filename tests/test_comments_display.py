"""What readers see of comments: only approved ones, safely rendered, paged, in a feed."""

import re
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.urls import reverse

from comments import counts, text
from comments.feeds import LatestCommentsFeed
from comments.models import Comment, Status
from comments.moderation import approve, mark_spam, reject


def article_page(client, article, **params):
    return client.get(article.get_absolute_url(), params).content.decode()


@pytest.mark.parametrize("decide", [None, reject, mark_spam])
def test_unapproved_comments_are_never_shown(client, article, pending_comment, moderator, decide):
    if decide:
        decide(pending_comment, by=moderator)
    assert "Waiting for review." not in article_page(client, article)
    assert "Pat Pending" not in article_page(client, article)


def test_approved_comment_is_shown_at_the_next_request(client, article, pending_comment, moderator):
    approve(pending_comment, by=moderator)
    page = article_page(client, article)
    assert "Waiting for review." in page
    assert "Pat Pending" in page


def test_comment_shows_its_date_in_a_time_element(client, article, approved_comment):
    page = article_page(client, article)
    created = approved_comment.created_at
    assert f'<time datetime="{created:%Y-%m-%d}">{created:%-d %B %Y}</time>' in page


def test_heading_counts_only_approved_comments(client, article, approved_comment):
    Comment.objects.create(article=article, name="B", email="b@example.org", body="Pending.")
    assert 'Comments <span class="comments__count">(1)</span>' in article_page(client, article)


def test_approved_comments_are_shown_oldest_first(client, article, moderator):
    for body in ("First words.", "Second words."):
        approve(Comment.objects.create(article=article, name="R", email="r@example.org", body=body), by=moderator)
    page = article_page(client, article)
    assert page.index("First words.") < page.index("Second words.")


def test_empty_comment_area_invites_the_first_comment(client, article):
    assert "No comments yet. Be the first to share your thoughts." in article_page(client, article)


def test_html_in_a_name_and_body_is_inert_after_approval(client, article, moderator):
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    # PostgreSQL enforces the name's 80 characters where SQLite does not.
    name = payload[: Comment.NAME_MAX_LENGTH]
    comment = Comment.objects.create(article=article, name=name, email="x@example.org", body=payload)
    approve(comment, by=moderator)
    page = article_page(client, article)
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert '<a href="javascript:' not in page
    # In the name (inside the permalink), the "Reply to" link's label and the body.
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
    html5lib.HTMLParser(strict=True).parse(page)


def test_bare_links_become_links_that_carry_no_endorsement(client, article, moderator):
    approve(
        Comment.objects.create(article=article, name="R", email="r@example.org", body="See https://example.org/x"),
        by=moderator,
    )
    assert '<a href="https://example.org/x" rel="nofollow ugc noopener">https://example.org/x</a>' in article_page(
        client, article
    )


def test_blank_lines_make_paragraphs_and_single_newlines_make_line_breaks(article):
    comment = Comment.objects.create(article=article, name="R", email="r@example.org", body="One\r\ntwo\r\n\r\nThree")
    assert comment.body_html == "<p>One<br>\ntwo</p>\n<p>Three</p>"


@pytest.fixture
def many_comments(article):
    for n in range(1, 52):
        Comment.objects.create(
            article=article,
            name=f"Reader {n}",
            email="r@example.org",
            body=f"Comment number {n}.",
            status=Status.APPROVED,
        )
    counts.recount(article)


def test_the_article_shows_the_newest_page_of_comments_and_links_the_older_ones(client, article, many_comments):
    page = article_page(client, article)
    assert "Comment number 51." in page and "Comment number 50." not in page
    assert '<a class="pagination__link" href="?page=1#comments" rel="prev">Older comments</a>' in page
    assert "Page 2 of 2" in page


def test_an_older_page_shows_fifty_comments_oldest_first_and_links_to_the_newest_at_the_bare_address(
    client, article, many_comments
):
    page = article_page(client, article, page=1)
    assert page.index("Comment number 1.") < page.index("Comment number 50.")
    assert "Comment number 51." not in page
    newer = f'<a class="pagination__link" href="{article.get_absolute_url()}#comments" rel="next">Newer comments</a>'
    assert newer in page


def test_the_newest_pages_comments_keep_their_page_number_once_a_newer_page_begins(
    client, article, many_comments, settings
):
    settings.COMMENTS_PER_PAGE = 17
    before = article_page(client, article)
    assert "Page 3 of 3" in before
    for n in range(52, 70):
        Comment.objects.create(
            article=article, name="R", email="r@example.org", body=f"Comment number {n}.", status=Status.APPROVED
        )
    counts.recount(article)
    after = article_page(client, article, page=3)
    assert re.findall(r"Comment number \d+\.", after) == re.findall(r"Comment number \d+\.", before)
    assert "Comment number 69." in article_page(client, article) and "Page 3 of 5" in after


def test_a_nonsense_page_number_is_not_found(client, article, many_comments):
    response = client.get(article.get_absolute_url(), {"page": "banana"})
    assert response.status_code == 404


def test_a_permalink_on_the_newest_page_leads_to_the_bare_address(client, article, many_comments):
    newest = Comment.objects.get(body="Comment number 51.")
    response = client.get(newest.get_absolute_url())
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{newest.pk}"


def test_a_permalink_on_an_older_page_leads_to_its_number_and_anchor(client, article, many_comments):
    oldest = Comment.objects.get(body="Comment number 1.")
    response = client.get(oldest.get_absolute_url())
    assert response["Location"] == f"{article.get_absolute_url()}?page=1#comment-{oldest.pk}"


def test_permalink_of_an_unapproved_comment_is_not_found(client, pending_comment):
    assert client.get(pending_comment.get_absolute_url()).status_code == 404


def feed_entries(client):
    response = client.get(reverse("comments:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall("{http://www.w3.org/2005/Atom}entry")


def test_feed_lists_approved_comments_only(client, approved_comment, article):
    Comment.objects.create(article=article, name="Hidden", email="h@example.org", body="Still pending.")
    entries = feed_entries(client)
    assert len(entries) == 1
    assert entries[0].findtext("{http://www.w3.org/2005/Atom}title") == "Pat Pending on A test article"


def test_feed_entries_name_the_author_without_an_email(client, approved_comment):
    author = feed_entries(client)[0].find("{http://www.w3.org/2005/Atom}author")
    assert [child.tag.split("}")[1] for child in author] == ["name"]


def test_a_comment_stored_with_control_characters_is_in_the_feed_without_them(client, approved_comment, monkeypatch):
    # Such a comment can only have been stored before the form and the database refused them.
    approved_comment.name = "Pat\x07 Pending"
    approved_comment.body = "Ring\x07 the \x1b[31mbell."
    approved_comment.body_html = text.render(approved_comment.body)
    monkeypatch.setattr(LatestCommentsFeed, "items", lambda feed: [approved_comment])
    [entry] = feed_entries(client)
    atom = "{http://www.w3.org/2005/Atom}"
    assert entry.findtext(f"{atom}title") == "Pat Pending on A test article"
    assert entry.findtext(f"{atom}author/{atom}name") == "Pat Pending"
    assert entry.findtext(f"{atom}summary") == "<p>Ring the [31mbell.</p>"


def test_each_permalink_has_an_accessible_name_of_its_own(client, approved_comment):
    page = article_page(client, approved_comment.article)
    date = approved_comment.created_at.strftime("%-d %B %Y")
    assert re.search(
        rf'<a href="#comment-{approved_comment.pk}"><b>Pat Pending</b> <time[^>]*>{date}</time></a>',
        page,
    )
