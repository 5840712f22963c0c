"""Replies: readers answer a published comment through the same form and moderation, one
level deep; threads stay whole on one page; removing a comment never takes others' replies."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from comments import counts
from comments.models import Comment, Status
from comments.moderation import approve, reject
from comments.privacy import erase_comments
from comments.submission import receipt


@pytest.fixture
def thread(approved_comment):
    """Pat's published comment."""
    return approved_comment


def reply(parent, *, name="Ben", email="ben@example.org", body="A reply.", status=Status.APPROVED, answering=None):
    comment = Comment.objects.create(
        article=parent.article,
        parent=parent,
        in_reply_to=answering or parent,
        name=name,
        email=email,
        body=body,
        status=status,
    )
    counts.recount(parent.article)
    return comment


def page_of(client, article, query=""):
    return client.get(article.get_absolute_url() + query).content.decode()


def test_the_reply_page_quotes_the_comment_and_carries_the_reply_form(client, thread):
    response = client.get(reverse("comments:reply", args=[thread.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Reply to Pat Pending" in page
    assert "Waiting for review." in page
    assert f'name="reply_to" value="{thread.pk}"' in page
    assert 'action="/articles/a-test-article/comments/"' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"]


def test_an_unpublished_comment_has_no_reply_page(client, pending_comment):
    assert client.get(reverse("comments:reply", args=[pending_comment.pk])).status_code == 404


def test_a_posted_reply_waits_for_review_in_the_comments_thread(post_comment, thread):
    assert post_comment(reply_to=thread.pk).status_code == 302
    posted = Comment.objects.get(name="Ada Reader")
    assert (posted.status, posted.parent, posted.in_reply_to) == (Status.PENDING, thread, thread)


def test_a_reply_to_a_reply_joins_the_same_thread(post_comment, thread):
    first = reply(thread)
    post_comment(reply_to=first.pk)
    posted = Comment.objects.get(name="Ada Reader")
    assert (posted.parent, posted.in_reply_to) == (thread, first)


def test_a_reply_meets_the_same_spam_rules(post_comment, thread):
    post_comment(reply_to=thread.pk, website="filled in by a bot")
    assert Comment.objects.get(name="Ada Reader").status == Status.SPAM


def test_a_reply_meets_the_same_length_rule(post_comment, thread):
    response = post_comment(reply_to=thread.pk, body="x" * 2001)
    assert response.status_code == 400
    assert "Replying to" in response.content.decode()
    assert not Comment.objects.filter(name="Ada Reader").exists()


def test_a_reply_to_an_unpublished_comment_is_refused_with_a_reason(post_comment, pending_comment):
    response = post_comment(reply_to=pending_comment.pk)
    assert response.status_code == 400
    assert "The comment you are replying to is no longer published." in response.content.decode()
    assert not Comment.objects.filter(name="Ada Reader").exists()


def test_a_reply_to_a_comment_on_another_article_is_refused(post_comment, loaded_article, moderator):
    elsewhere = Comment.objects.create(article=loaded_article, name="Z", email="z@example.org", body="Elsewhere.")
    approve(elsewhere, by=moderator)
    assert post_comment(reply_to=elsewhere.pk).status_code == 400


def test_a_published_reply_is_shown_inside_its_thread(client, thread):
    reply(thread, body="Answering Pat.")
    page = page_of(client, thread.article)
    replies = re.search(r'<ol class="comment-replies" aria-label="Replies to Pat Pending">(.*?)</ol>', page, re.S)
    assert "Answering Pat." in replies.group(1)


def test_a_pending_reply_is_not_shown(client, thread):
    reply(thread, body="Not yet.", status=Status.PENDING)
    assert "Not yet." not in page_of(client, thread.article)


def test_a_reply_to_a_reply_names_whom_it_answers(client, thread):
    first = reply(thread)
    reply(thread, name="Cy", email="cy@example.org", answering=first)
    assert f'to <a href="#comment-{first.pk}">Ben</a>' in page_of(client, thread.article)


def test_the_comment_count_includes_replies(client, thread):
    reply(thread)
    assert 'Comments <span class="comments__count">(2)</span>' in page_of(client, thread.article)


def test_every_published_comment_offers_a_reply_link_that_works_without_javascript(client, thread):
    first = reply(thread)
    page = page_of(client, thread.article)
    for comment in (thread, first):
        assert f'href="/comments/{comment.pk}/reply/" aria-label="Reply to {comment.name}">Reply</a>' in page


@pytest.fixture
def three_threads(article, settings):
    """Two threads per page; the first two have more replies than a page has threads."""
    settings.COMMENTS_PER_PAGE = 2
    parents = [
        Comment.objects.create(
            article=article, name=f"P{n}", email="p@example.org", body=f"Thread {n}.", status="approved"
        )
        for n in range(3)
    ]
    for parent in parents[:2]:
        for n in range(3):
            reply(parent, body=f"Reply {n} to {parent.name}.")
    return parents


def test_a_thread_is_never_split_across_comment_pages(client, article, three_threads):
    first = page_of(client, article, "?page=1")
    assert all(f"Reply {n} to P{p}." in first for n in range(3) for p in range(2))
    second = page_of(client, article)
    assert "Thread 2." in second and "Reply" not in re.sub(r"<footer>.*?</footer>", "", second)


def test_a_replys_permalink_lands_on_its_parents_page(client, article, three_threads):
    late = reply(three_threads[0], body="Late reply.")
    response = client.get(late.get_absolute_url())
    assert response["Location"] == f"{article.get_absolute_url()}?page=1#comment-{late.pk}"


def test_a_reply_in_a_thread_on_the_newest_page_lands_on_the_bare_address(client, article, three_threads):
    late = reply(three_threads[2], body="Late reply.")
    response = client.get(late.get_absolute_url())
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{late.pk}"


def receipt_page(client, comment):
    url = reverse("articles:comment_received", kwargs={"slug": comment.article.slug, "receipt": receipt(comment)})
    return client.get(url).content.decode()


def replies_to(page, name):
    return re.search(rf'<ol class="comment-replies" aria-label="Replies to {name}">(.*?)</ol></li>', page, re.S).group(
        1
    )


def test_the_receipt_shows_a_pending_reply_last_in_its_thread_on_the_threads_page(client, three_threads):
    late = reply(three_threads[0], body="Late reply.", status=Status.PENDING)
    page = receipt_page(client, late)
    assert re.search(
        rf'Reply 2 to P0\..*</li><li id="comment-{late.pk}" class="comment--pending">.*Awaiting review.*Late reply\.',
        replies_to(page, "P0"),
        re.S,
    )
    assert page.count("Late reply.") == 1


def test_the_receipt_opens_the_replies_of_a_thread_that_had_none_for_a_pending_reply(client, thread):
    late = reply(thread, body="First answer.", status=Status.PENDING)
    assert f'<li id="comment-{late.pk}" class="comment--pending">' in replies_to(
        receipt_page(client, late), "Pat Pending"
    )


def test_a_moderator_views_a_pending_reply_in_place_in_its_thread(client, moderator, three_threads):
    late = reply(three_threads[0], body="Late reply.", status=Status.PENDING)
    client.force_login(moderator)
    page = client.get(reverse("articles:comment_in_place", args=[late.pk])).content.decode()
    assert f'<li id="comment-{late.pk}" class="comment--pending">' in replies_to(page, "P0")


def test_rejecting_a_comment_keeps_the_replies_and_shows_it_as_removed(client, thread, moderator):
    reply(thread, body="Still here.")
    reject(thread, by=moderator)
    page = page_of(client, thread.article)
    assert "Still here." in page
    assert '<p class="comment__removed">Comment removed</p>' in page
    assert "Waiting for review." not in page


def test_erasing_a_comment_keeps_the_others_replies_and_shows_it_as_removed(client, thread):
    reply(thread, body="Still here.")
    erase_comments("pat@example.org")
    page = page_of(client, thread.article)
    assert "Still here." in page
    assert "Comment removed" in page
    assert "Pat Pending" not in page


def test_a_removed_comment_without_published_replies_is_not_shown(client, thread, moderator):
    reply(thread, status=Status.PENDING)
    reject(thread, by=moderator)
    page = page_of(client, thread.article)
    assert "Comment removed" not in page
    assert "No comments yet." in page


def test_the_feed_includes_replies(client, thread):
    reply(thread, body="In the feed.")
    feed = client.get(reverse("comments:feed")).content.decode()
    assert "In the feed." in feed
    assert "Ben replied to Pat Pending on A test article" in feed


def test_the_article_page_announces_the_comment_feed(client, article):
    assert (
        '<link rel="alternate" type="application/atom+xml" title="ta1: latest comments" href="/comments/feed/">'
        in page_of(client, article)
    )


def test_a_moderator_is_told_a_new_reply_is_a_reply(post_comment, thread, moderators_with_email, deliver):
    post_comment(reply_to=thread.pk)
    deliver()
    assert "In reply to Pat Pending" in mail.outbox[0].body
