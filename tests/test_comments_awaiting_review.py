"""The commenter sees their own comment, marked as awaiting review, on their
own page; moderators see any unpublished comment in place on its article;
nobody else sees either."""

import re

import pytest
from django.urls import reverse

from comments.models import Comment, Status
from comments.moderation import mark_spam, reject


def own_page(client, response):
    return client.get(response["Location"])


def test_the_commenters_page_shows_their_comment_marked_awaiting_review(post_comment, client):
    page = own_page(client, post_comment(name="Jo Bloggs", body="My own words.")).content.decode()
    mine = re.search(r'<li id="comment-\d+" class="comment--pending">.*?</li>', page, re.S).group(0)
    assert "Jo Bloggs" in mine and "My own words." in mine and "Awaiting review" in mine


def test_the_commenters_page_never_says_there_are_no_comments(post_comment, client):
    page = own_page(client, post_comment()).content.decode()
    assert "No comments yet" not in page


def test_the_commenters_page_is_theirs_alone(post_comment, client):
    response = own_page(client, post_comment())
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"


def test_a_comment_held_as_spam_is_shown_to_its_commenter_as_awaiting_review_too(post_comment, client):
    response = post_comment(website="filled by a bot", body="Held text.")
    assert Comment.objects.get().status == Status.SPAM
    page = own_page(client, response).content.decode()
    assert "Held text." in page and "Awaiting review" in page


def test_a_comment_rejected_meanwhile_is_not_shown_as_waiting(post_comment, client, moderator):
    response = post_comment(body="Turned down text.")
    reject(Comment.objects.get(), by=moderator)
    page = own_page(client, response).content.decode()
    assert "Turned down text." not in page and "Awaiting review" not in page


def in_place(comment):
    return reverse("articles:comment_in_place", args=[comment.pk])


def test_a_moderator_sees_a_pending_comment_in_place_on_its_article(moderator_client, pending_comment):
    response = moderator_client.get(in_place(pending_comment))
    page = response.content.decode()
    assert response.status_code == 200
    assert pending_comment.article.title in page and "Waiting for review." in page and "Awaiting review" in page
    assert "Only moderators see this page" in page
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in page


def test_a_moderator_sees_a_spam_comment_in_place_with_its_status(moderator_client, pending_comment, moderator):
    mark_spam(pending_comment, by=moderator)
    page = moderator_client.get(in_place(pending_comment)).content.decode()
    assert "is spam: readers do not see it" in page


def test_an_approved_comment_in_place_leads_to_its_public_address(moderator_client, approved_comment):
    response = moderator_client.get(in_place(approved_comment))
    assert response.status_code == 302 and response["Location"] == approved_comment.get_absolute_url()


@pytest.mark.parametrize("role", ["editor", "staff_user", None])
def test_nobody_but_moderators_sees_a_comment_in_place(client, request, pending_comment, role):
    if role:
        client.force_login(request.getfixturevalue(role))
    response = client.get(in_place(pending_comment))
    assert response.status_code == 404 and "Waiting for review." not in response.content.decode()


def test_view_on_site_of_a_pending_comment_leads_to_the_moderators_view(moderator_client, pending_comment):
    change = moderator_client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk]))
    view_on_site = re.search(r'<a href="([^"]+)" class="viewsitelink"', change.content.decode()).group(1)
    assert moderator_client.get(view_on_site, follow=True).status_code == 200
    assert view_on_site == in_place(pending_comment)


def test_view_on_site_of_an_approved_comment_is_its_permalink(moderator_client, approved_comment):
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[approved_comment.pk])).content.decode()
    assert f'<a href="{approved_comment.get_absolute_url()}" class="viewsitelink"' in page
