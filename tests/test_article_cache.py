"""The article page comes from the cache, is never stale, and never hands one
reader another's CSRF token, form timestamp or message."""

import re

from django.core import signing
from django.test import Client
from django.urls import reverse

from articles import caching
from articles.models import Article
from comments import privacy, spam
from comments.models import Comment
from comments.moderation import approve, reject
from comments.views import THANKS


def page(client, article, **headers):
    return client.get(article.get_absolute_url(), headers=headers)


def text(response):
    return response.content.decode()


def csrf_token_in(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(response)).group(1)


def form_token_in(response):
    return re.search(r'name="timestamp" value="([^"]+)"', text(response)).group(1)


def test_warm_article_page_takes_one_query_however_many_sections_and_comments(client, busy_article, django_assert_num_queries):
    """The one query reads the article with the two times its cache key is
    made from; sections, comments and the table of contents come from the cache."""
    page(client, busy_article)
    with django_assert_num_queries(1):
        assert page(client, busy_article).status_code == 200


def test_a_section_save_shows_at_the_next_request(client, section):
    page(client, section.article)
    section.body = "Freshly edited text."
    section.save()
    assert "Freshly edited text." in text(page(client, section.article))


def test_a_section_moved_to_another_article_leaves_the_first_page_at_once(client, article, section):
    other = Article.objects.create(title="Another", slug="another", summary="Another.", disclaimer="Disclaimer.")
    assert "First part" in text(page(client, article))
    section.article = other
    section.save()
    assert "First part" not in text(page(client, article))
    assert "First part" in text(page(client, other))


def test_a_deleted_section_disappears_at_the_next_request(client, section):
    assert "First part" in text(page(client, section.article))
    section.delete()
    assert "First part" not in text(page(client, section.article))


def test_an_article_save_shows_at_the_next_request(client, article):
    page(client, article)
    article.disclaimer = "A revised disclaimer."
    article.save()
    assert "A revised disclaimer." in text(page(client, article))


def test_an_approved_comment_shows_at_the_next_request(client, article, pending_comment, moderator):
    page(client, article)
    approve(pending_comment, by=moderator)
    assert "Waiting for review." in text(page(client, article))


def test_a_rejected_comment_disappears_at_the_next_request(client, article, approved_comment, moderator):
    assert "Waiting for review." in text(page(client, article))
    reject(approved_comment, by=moderator)
    assert "Waiting for review." not in text(page(client, article))


def test_an_erased_comment_disappears_at_the_next_request(client, article, approved_comment):
    assert "Waiting for review." in text(page(client, article))
    privacy.erase_comments(approved_comment.email)
    assert "Waiting for review." not in text(page(client, article))


def test_a_new_pending_comment_leaves_the_cached_page_in_place(client, article, django_assert_num_queries):
    """Nothing a reader sends changes the page until a moderator acts, so a
    busy comment form does not empty the cache."""
    page(client, article)
    Comment.objects.create(article=article, name="Pat", email="pat@example.org", body="New.")
    with django_assert_num_queries(1):
        page(client, article)


def test_page_numbers_past_the_end_are_answered_without_filling_the_cache(client, busy_article, django_assert_num_queries):
    """Article, sections, comment count and comment page: rendered afresh each
    time, never stored under the made-up number."""
    url = busy_article.get_absolute_url() + "?page=999"
    client.get(url)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


def test_no_slot_ever_reaches_a_reader(client, article):
    for response in (page(client, article), page(client, article)):
        assert caching.CSRF_SLOT not in text(response)
        assert caching.FORM_TOKEN_SLOT not in text(response)


def comment_post(client, article, comment_data, token):
    url = reverse("comments:post", kwargs={"slug": article.slug})
    return client.post(url, {**comment_data, "csrfmiddlewaretoken": token})


def test_each_reader_gets_a_csrf_token_that_works_with_their_own_cookie(article, comment_data):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page(first, article)
    token = csrf_token_in(page(second, article))  # served from the cache
    assert comment_post(second, article, comment_data, token).status_code == 302
    assert Comment.objects.count() == 1


def test_a_token_from_another_readers_page_is_refused(article, comment_data):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token = csrf_token_in(page(first, article))
    page(second, article)
    assert comment_post(second, article, comment_data, token).status_code == 403
    assert Comment.objects.count() == 0


class Clock:
    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


def test_a_cached_page_carries_a_form_timestamp_of_its_own_request(client, article, monkeypatch):
    clock = Clock(1_800_000_000.0)
    monkeypatch.setattr(spam, "time", clock)
    page(client, article)
    clock.now += 5000
    _, issued_at = signing.loads(form_token_in(page(client, article)), salt=spam.TOKEN_SALT)
    assert issued_at == clock.now


def test_the_thanks_after_commenting_shows_only_to_the_commenter_and_once(client, article, post_comment):
    other = Client()
    page(other, article)
    response = post_comment()
    assert THANKS in text(client.get(response["Location"]))
    assert THANKS not in text(page(other, article))
    assert THANKS not in text(page(client, article))


def test_an_unchanged_page_revalidates_with_304(client, article):
    first = page(client, article)
    again = page(client, article, if_none_match=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_changed_page_answers_a_revalidation_in_full(client, section):
    first = page(client, section.article)
    section.body = "Changed since."
    section.save()
    again = page(client, section.article, if_none_match=first["ETag"])
    assert again.status_code == 200
    assert "Changed since." in text(again)


def test_another_readers_etag_is_never_confirmed(client, article):
    """A 304 tells the browser to show the page it kept, with the CSRF token
    in it: only the browser that was given that token may hear it."""
    etag = page(Client(), article)["ETag"]
    page(client, article)
    assert page(client, article, if_none_match=etag).status_code == 200


def test_a_waiting_message_is_shown_even_to_a_revalidating_browser(client, article, post_comment):
    etag = page(client, article)["ETag"]
    post_comment()
    response = page(client, article, if_none_match=etag)
    assert response.status_code == 200
    assert THANKS in text(response)


def test_article_page_may_be_kept_only_by_the_readers_browser(client, article):
    cache_control = page(client, article)["Cache-Control"]
    assert "private" in cache_control
    assert "no-cache" in cache_control
