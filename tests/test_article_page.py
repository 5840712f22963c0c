"""The article page is one shared document per version: the same bytes for
every reader, never stale, revalidated with its ETag, compressed once, and
only ever stored under its own canonical page number."""

import gzip
import io
import re
from types import SimpleNamespace

import brotli
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import drafts, versions
from comments import privacy
from comments.models import Comment
from comments.moderation import approve, reject
from comments.replies import reply_as_site
from comments.submission import THANKS, receipt
from pages import shared
from pages.renderer import render_article_page


def page(client, article, query="", **headers):
    return client.get(article.get_absolute_url() + query, headers=headers)


def text(response):
    return response.content.decode()


def test_two_anonymous_readers_get_identical_bytes(article, approved_comment):
    assert page(Client(), article).content == page(Client(), article).content


def test_two_anonymous_readers_get_identical_bytes_after_a_change(
    article, section, pending_comment, moderator, publish_section_text
):
    page(Client(), article)
    approve(pending_comment, by=moderator)
    publish_section_text(section, "Edited.")
    first, second = page(Client(), article), page(Client(), article)
    assert "Edited." in text(first)
    assert first.content == second.content


def test_a_signed_in_editor_gets_the_same_bytes_as_a_reader(editor_client, article, section):
    assert page(editor_client, article).content == page(Client(), article).content


def test_the_shared_page_carries_no_token_no_timestamp_and_no_message(client, article):
    html = text(page(client, article))
    assert "csrfmiddlewaretoken" not in html
    assert 'name="timestamp"' not in html
    assert 'role="status"' not in html


@pytest.mark.parametrize("path", ["article", "dosing_chart", "/comments/feed/", "/sitemap.xml"])
def test_no_anonymous_get_sets_a_cookie_or_varies_on_one(client, dosing_chart, path):
    url = {"article": "/articles/thymosin-alpha-1/", "dosing_chart": dosing_chart.get_absolute_url()}.get(path, path)
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies
        assert "Set-Cookie" not in response
        assert "cookie" not in response.get("Vary", "").lower()


def test_a_warm_page_runs_no_query_while_nothing_was_written(client, busy_article, django_assert_num_queries):
    page(client, busy_article)
    with django_assert_num_queries(0):
        assert page(client, busy_article).status_code == 200


def test_a_write_costs_at_most_one_version_query_at_the_next_request(
    client, busy_article, django_assert_max_num_queries, django_assert_num_queries
):
    page(client, busy_article)
    Comment.objects.create(article=busy_article, name="Pat", email="pat@example.org", body="New.")
    with django_assert_max_num_queries(1):
        page(client, busy_article)
    with django_assert_num_queries(0):
        page(client, busy_article)


def test_a_pending_comment_leaves_the_version_and_the_page_alone(client, article):
    etag = page(client, article)["ETag"]
    Comment.objects.create(article=article, name="Pat", email="pat@example.org", body="New.")
    assert page(client, article)["ETag"] == etag


def test_a_published_section_change_shows_at_the_next_request(client, section, publish_section_text):
    page(client, section.article)
    publish_section_text(section, "Freshly edited text.")
    assert "Freshly edited text." in text(page(client, section.article))


def test_a_section_removed_and_published_disappears_at_the_next_request(client, section, editor):
    assert "First part" in text(page(client, section.article))
    drafts.draft_of(section.article)
    section.article.draft_sections.all().delete()
    drafts.record(section.article, by=editor)
    drafts.publish(section.article, by=editor)
    assert "First part" not in text(page(client, section.article))


def test_an_article_saved_by_hand_and_announced_shows_at_the_next_request(client, article):
    page(client, article)
    article.disclaimer = "A revised disclaimer."
    article.save()
    versions.announce()
    assert "A revised disclaimer." in text(page(client, article))


def test_an_article_unpublished_by_a_publish_is_gone_at_the_next_request(client, article, editor):
    page(client, article)
    draft = drafts.draft_of(article)
    draft.is_published = False
    draft.save()
    drafts.record(article, by=editor)
    drafts.publish(article, by=editor)
    assert page(client, article).status_code == 404


def test_an_article_deleted_in_the_admin_is_gone_at_the_next_request(client, admin_client, article):
    page(client, article)
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert page(client, article).status_code == 404


def test_a_loaded_article_shows_at_the_next_request(client, article):
    assert client.get("/articles/thymosin-alpha-1/").status_code == 404
    call_command("load_article", stdout=io.StringIO())
    assert client.get("/articles/thymosin-alpha-1/").status_code == 200


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


def test_a_site_reply_shows_at_the_next_request(client, article, approved_comment, moderator):
    page(client, article)
    reply_as_site(approved_comment, body="Thank you for asking.", by=moderator)
    assert "Thank you for asking." in text(page(client, article))


@pytest.fixture
def site_reply(approved_comment, moderator):
    """A comment the admin can delete: none of its moderation record goes with it."""
    return reply_as_site(approved_comment, body="Thank you for asking.", by=moderator)


def test_a_comment_deleted_in_the_admin_disappears_at_the_next_request(client, admin_client, article, site_reply):
    assert "Thank you for asking." in text(page(client, article))
    admin_client.post(reverse("admin:comments_comment_delete", args=[site_reply.pk]), {"post": "yes"})
    assert "Thank you for asking." not in text(page(client, article))


def test_comments_deleted_together_in_the_admin_disappear_at_the_next_request(
    client, admin_client, article, site_reply
):
    assert "Thank you for asking." in text(page(client, article))
    admin_client.post(
        reverse("admin:comments_comment_changelist") + "?status__exact=all",
        {"action": "delete_selected", "_selected_action": [site_reply.pk], "post": "yes"},
    )
    assert "Thank you for asking." not in text(page(client, article))


def test_moving_the_version_by_hand_shows_at_the_next_request(client, article, approved_comment):
    etag = page(client, article)["ETag"]
    Comment.objects.filter(pk=approved_comment.pk).update(body_html="<p>Corrected by hand.</p>")
    versions.moved(article, comments=True)
    response = page(client, article)
    assert response["ETag"] != etag
    assert "Corrected by hand." in text(response)


def test_moved_needs_to_be_told_what_changed(article):
    with pytest.raises(ValueError):
        versions.moved(article)


def test_the_release_setting_names_the_release(settings):
    settings.RELEASE = "2026.1"
    first = shared._release()
    settings.RELEASE = "2026.2"
    assert shared._release() != first


def test_a_template_added_in_a_new_apps_folder_changes_the_release(settings, tmp_path, monkeypatch):
    settings.RELEASE = ""
    settings.BASE_DIR = tmp_path
    app = tmp_path / "newapp"
    (app / "templates" / "newapp").mkdir(parents=True)
    monkeypatch.setattr(shared.apps, "get_app_configs", lambda: [SimpleNamespace(path=str(app))])
    before = shared._release()
    (app / "templates" / "newapp" / "part.html").write_text("<p>New.</p>")
    assert shared._release() != before


def test_a_client_without_cookies_revalidates_with_304(article):
    first = page(Client(), article)
    again = page(Client(), article, if_none_match=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_after_an_approval_a_revalidation_gets_the_new_page(article, pending_comment, moderator):
    etag = page(Client(), article)["ETag"]
    approve(pending_comment, by=moderator)
    again = page(Client(), article, if_none_match=etag)
    assert again.status_code == 200
    assert "Waiting for review." in text(again)


def test_after_a_publish_a_revalidation_gets_the_new_page(article, section, publish_section_text):
    etag = page(Client(), article)["ETag"]
    publish_section_text(section, "Published just now.")
    again = page(Client(), article, if_none_match=etag)
    assert again.status_code == 200
    assert "Published just now." in text(again)


def test_browsers_revalidate_the_page_and_a_shared_cache_may_keep_it_for_the_set_seconds(client, article, settings):
    settings.SHARED_CACHE_SECONDS = 3
    response = page(client, article)
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=3, stale-while-revalidate=3"


def test_the_page_varies_on_the_encoding_alone(client, article):
    assert page(client, article)["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize(
    ("accept", "encoding", "decompress"),
    [("gzip", "gzip", gzip.decompress), ("gzip, deflate, br", "br", brotli.decompress)],
)
def test_the_page_is_compressed_for_clients_that_accept_it(client, article, accept, encoding, decompress):
    plain = page(client, article).content
    response = page(client, article, accept_encoding=accept)
    assert response["Content-Encoding"] == encoding
    assert decompress(response.content) == plain
    assert response["ETag"] != page(client, article)["ETag"]


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("br;q=0", None),
        ("gzip, br;q=0", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("br, gzip", "br"),
        ("gzip;q=1, br;q=0.5", "gzip"),
        ("gzip;q=0.5, identity", None),
        ("*", "br"),
        ("*;q=0", None),
        ("br;q=0, *", "gzip"),
        ("identity;q=0", None),
        ("BR;Q=0, GZip", "gzip"),
        ("x-gzip", "gzip"),
        ("br;q=abc, gzip", "gzip"),
        ("br;q=2", None),
        ("br;;q=, ,;q=1", None),
        ("", None),
    ],
)
def test_the_page_is_sent_in_the_coding_the_client_weighs_highest(client, article, accept, encoding):
    response = page(client, article, accept_encoding=accept)
    assert response.status_code == 200
    assert response.get("Content-Encoding") == encoding
    assert response["Vary"] == "Accept-Encoding"


def test_any_encoding_of_the_version_revalidates(client, article):
    etag = page(client, article, accept_encoding="br")["ETag"]
    assert page(client, article, accept_encoding="gzip", if_none_match=etag).status_code == 304


def test_the_page_is_compressed_once_per_version(client, article, monkeypatch):
    calls = []
    original = brotli.compress
    monkeypatch.setattr(brotli, "compress", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs))
    for _ in range(3):
        page(Client(), article, accept_encoding="br")
    assert len(calls) == 1


def test_the_shared_page_keeps_the_security_headers(client, article):
    response = page(client, article)
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_a_host_not_allowed_is_refused(client, article):
    assert page(client, article, host="evil.example").status_code == 400


# Page numbers


def test_the_bare_address_is_the_newest_page_of_comments(client, busy_article):
    assert "Page 2 of 2" in text(page(client, busy_article))


def test_the_newest_page_named_by_its_number_redirects_to_the_bare_address_for_now(client, busy_article):
    response = page(client, busy_article, "?page=2")
    # Not 301: once a newer page begins, ?page=2 names a page of its own.
    assert response.status_code == 302
    assert response["Location"] == busy_article.get_absolute_url()


def test_an_older_page_in_range_is_served(client, busy_article):
    response = page(client, busy_article, "?page=1")
    assert response.status_code == 200
    assert "Page 1 of 2" in text(response)


@pytest.mark.parametrize(("query", "canonical"), [("", ""), ("?page=1", "?page=1")])
def test_each_page_of_comments_names_its_own_canonical_address(client, busy_article, settings, query, canonical):
    address = f"{settings.SITE_URL}{busy_article.get_absolute_url()}{canonical}"
    assert f'<link rel="canonical" href="{address}">' in text(page(client, busy_article, query))


def test_a_comment_approved_now_is_on_the_shared_page_at_the_bare_address(
    client, busy_article, moderator, django_assert_num_queries
):
    page(client, busy_article)
    comment = Comment.objects.create(article=busy_article, name="Pat", email="pat@example.org", body="Newest words.")
    approve(comment, by=moderator)
    assert "Newest words." in text(page(client, busy_article))
    with django_assert_num_queries(0):
        assert "Newest words." in text(page(client, busy_article))


@pytest.mark.parametrize(
    "query",
    [
        "?page=+3",
        "?page=%203",
        "?page=-1",
        "?page=0",
        "?page=03",
        "?page=%D9%A2",
        "?page=3",
        "?page=99999999999999",
        "?page=",
        "?page=2&page=2",
        "?page=2.0",
        "?page=banana",
    ],
)
def test_anything_but_a_page_in_range_is_not_found(client, busy_article, query):
    assert page(client, busy_article, query).status_code == 404


def test_tracking_parameters_get_the_shared_bytes(client, busy_article):
    plain = page(client, busy_article).content
    assert page(client, busy_article, "?utm_source=news&utm_medium=email&fbclid=abc").content == plain
    assert page(client, busy_article, "?page=1&gclid=x").content == page(client, busy_article, "?page=1").content


def test_a_strange_page_number_after_a_change_never_takes_the_newest_pages_place(
    client, busy_article, pending_comment, moderator
):
    """The poisoning sequence: a change, then `?page=+3` (or the like) first."""
    approve(pending_comment, by=moderator)
    for query in ("?page=+3", "?page=%203", "?page=-1", "?page=%D9%A3", "?page=99999999", "?page=2", "?page=1"):
        page(client, busy_article, query)
    newest = text(page(Client(), busy_article))
    assert "Page 2 of 2" in newest
    assert "Waiting for review." in newest


# The one renderer, for pages made for one person


@pytest.fixture
def personal(rf, article, section):
    def render(**kwargs):
        return render_article_page(rf.get(article.get_absolute_url()), article, **kwargs)

    return render


@pytest.mark.parametrize("kwargs", [{"banner": "Draft preview."}, {"message": "Hello."}, {"sections": []}])
def test_a_personal_page_is_never_stored_and_never_indexed(personal, article, kwargs):
    response = personal(**kwargs)
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in text(response)
    assert "ETag" not in response
    assert shared.local_pages.pages == {}
    assert cache.get(shared.page_key(article, 1)) is None


@pytest.mark.parametrize("kwargs", [{"banner": "Draft preview."}, {"message": "Hello."}, {"sections": []}])
def test_a_personal_page_is_kept_by_no_shared_cache(personal, kwargs):
    cache_control = personal(**kwargs)["Cache-Control"]
    assert "private" in cache_control
    assert "s-maxage" not in cache_control


def test_a_preview_shows_its_banner_and_the_sections_given(personal, article):
    draft = type(article.sections.first())(
        article=article, heading="Draft heading", anchor="draft", body_html="<p>Draft body.</p>"
    )
    html = text(personal(sections=[draft], banner="This is a draft."))
    assert "Draft heading" in html and "Draft body." in html and "First part" not in html
    assert '<div class="preview-banner" role="note"><p><strong>Preview</strong> This is a draft.</p></div>' in html


def test_a_pending_comment_is_shown_in_place_marked_awaiting_review(personal, pending_comment):
    html = text(personal(pending_comment=pending_comment))
    assert re.search(
        r'<li id="comment-\d+" class="comment--pending">.*Awaiting review.*Waiting for review\.', html, re.S
    )


def test_a_message_receives_focus_and_is_announced(personal):
    html = text(personal(message="Thanks."))
    assert (
        '<div id="comment-message" class="comments__messages" role="status" tabindex="-1" data-focus-on-load>' in html
    )


# The commenter's own page


def test_the_commenters_page_thanks_them_and_is_theirs_alone(client, article, pending_comment):
    response = client.get(
        reverse("articles:comment_received", kwargs={"slug": article.slug, "receipt": receipt(pending_comment)})
    )
    assert THANKS in text(response)
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert THANKS not in text(page(Client(), article))


@pytest.mark.parametrize("value", ["forged", "MQ:1xWzV5:mTEqpxALi6xg0IHTm_RS4hi8bGkhQ0gQTFfLrSGEjwY"])
def test_a_forged_receipt_leads_to_the_shared_page(client, article, value):
    response = client.get(reverse("articles:comment_received", kwargs={"slug": article.slug, "receipt": value}))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"


def test_an_expired_receipt_leads_to_the_shared_page(client, article, pending_comment, monkeypatch):
    value = receipt(pending_comment)
    monkeypatch.setattr("comments.submission.RECEIPT_SECONDS", -1)
    response = client.get(reverse("articles:comment_received", kwargs={"slug": article.slug, "receipt": value}))
    assert response.status_code == 302


def test_a_receipt_for_another_articles_comment_leads_to_the_shared_page(client, dosing_chart, pending_comment):
    url = reverse("articles:comment_received", kwargs={"slug": dosing_chart.slug, "receipt": receipt(pending_comment)})
    assert client.get(url).status_code == 302


def test_a_head_request_gets_the_headers_without_the_body(client, article):
    full = page(client, article)
    head = client.head(article.get_absolute_url())
    assert head.status_code == 200
    assert head.content == b""
    assert (head["ETag"], head["Content-Length"]) == (full["ETag"], str(len(full.content)))
