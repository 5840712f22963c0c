"""A reader leaves a comment: the form, its errors, and what happens after sending."""

import re

import html5lib
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, Status
from comments.submission import SENT_COOKIE, received_comment


@pytest.fixture
def article_html(client, article):
    return client.get(article.get_absolute_url()).content.decode()


def test_article_page_offers_the_comment_form_with_its_wording(article_html):
    for text in (
        "Leave a Comment",
        "Your comment will appear after review. Educational discussion only — not medical advice.",
        "Never published publicly.",
        "0 / 2000 characters",
        "Comments are reviewed before publishing.",
        "No comments yet. Be the first to share your thoughts.",
    ):
        assert text in article_html


def test_comment_form_has_name_email_and_comment_fields_with_labels(article_html):
    assert re.search(r'<label\s+for="id_name"[^>]*>\s*Name', article_html)
    assert re.search(r'<label\s+for="id_email"[^>]*>\s*Email', article_html)
    assert re.search(r'<label\s+for="id_body"[^>]*>\s*Comment', article_html)
    assert 'name="name"' in article_html and 'name="email"' in article_html and 'name="body"' in article_html


def test_comment_field_has_no_maxlength_so_typing_is_never_blocked(article_html):
    assert "maxlength" not in article_html


def test_comment_field_is_described_by_its_static_hint(article_html):
    assert re.search(r'<textarea[^>]*aria-describedby="id_body_helptext"', article_html)
    assert '<div id="id_body_helptext" class="field__hint">' in article_html


def test_comment_hint_says_comments_are_plain_text_where_web_addresses_become_links(article_html):
    hint = re.search(r'<div id="id_body_helptext" class="field__hint">(.*?)</div>', article_html).group(1)
    assert hint == (
        "Plain text: formatting such as **bold** shows exactly as typed; "
        "web addresses become links. You can enter up to 2000 characters."
    )


def test_character_count_has_a_polite_live_region(article_html):
    assert '<div id="id_body_status" class="visually-hidden" aria-live="polite"></div>' in article_html


def test_email_consent_checkbox_is_unticked(article_html):
    checkbox = re.search(r'<input type="checkbox" name="notify_on_publish"[^>]*>', article_html).group(0)
    assert "checked" not in checkbox
    assert "Email me when my comment is published" in article_html


def test_replies_consent_checkbox_is_offered_unticked(article_html):
    checkbox = re.search(r'<input type="checkbox" name="notify_on_reply"[^>]*>', article_html).group(0)
    assert "checked" not in checkbox
    assert "Email me when someone replies" in article_html


def test_with_comment_emails_off_the_form_offers_no_email(client, article, settings):
    settings.COMMENTS_EMAILS = False
    page = client.get(article.get_absolute_url()).content.decode()
    assert "notify_on_publish" not in page and "notify_on_reply" not in page


def test_honeypot_is_hidden_from_people_and_assistive_technology(article_html):
    trap = re.search(
        r'<div\s+class="comment-form__trap"\s+aria-hidden="true">(.*?)</div>\s*</div>', article_html, re.S
    ).group(1)
    assert re.search(r'<input type="text" name="website" tabindex="-1" autocomplete="off"', trap)


def test_article_page_has_no_inline_styles_or_scripts(article_html):
    assert "style=" not in article_html
    assert re.findall(r"<script(?![^>]*(?:\ssrc=|type=\"application/ld\+json\"))", article_html) == []


def test_comment_form_page_is_valid_html(post_comment):
    parser = html5lib.HTMLParser()
    parser.parse(post_comment(body="").content.decode())
    assert parser.errors == []


def test_valid_comment_redirects_to_the_commenters_own_page_at_the_message(post_comment, article):
    response = post_comment()
    assert response.status_code == 302
    assert re.fullmatch(rf"{article.get_absolute_url()}comments/received/[^/]+/#comment-message", response["Location"])


def test_reader_is_thanked_on_their_own_page(post_comment, client):
    page = client.get(post_comment()["Location"]).content.decode()
    assert '<div id="comment-message" class="comments__messages" role="status" tabindex="-1"' in page
    assert "Thank you — your comment was received and will appear after review." in page


def test_the_thanks_is_never_on_the_shared_page(post_comment, client, article):
    client.get(post_comment()["Location"])
    assert "Thank you" not in client.get(article.get_absolute_url()).content.decode()


def test_valid_comment_is_stored_as_pending(post_comment):
    post_comment()
    comment = Comment.objects.get()
    assert (comment.name, comment.email, comment.body, comment.status) == (
        "Ada Reader",
        "ada@example.org",
        "A thoughtful comment.",
        Status.PENDING,
    )


def test_pending_comment_is_not_shown_to_readers(post_comment, client, article):
    post_comment(body="Not yet reviewed text.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Not yet reviewed text." not in page
    assert 'Comments <span class="comments__count">(0)</span>' in page


def test_consent_is_stored_only_when_ticked(post_comment, client):
    post_comment(body="First.")
    post_comment(body="Second.", notify_on_publish="on")
    assert list(Comment.objects.values_list("body", "notify_on_publish")) == [("First.", False), ("Second.", True)]


def test_replies_consent_is_stored_only_when_ticked(post_comment):
    post_comment(body="First.")
    post_comment(body="Second.", notify_on_reply="on")
    assert list(Comment.objects.values_list("body", "notify_on_reply")) == [("First.", False), ("Second.", True)]


def receipt_in(response):
    return re.search(r"/received/([^/]+)/", response["Location"]).group(1)


def test_identical_resubmission_is_dropped_and_answered_with_the_first_ones_page(post_comment, article):
    first, second = post_comment(), post_comment()
    assert Comment.objects.count() == 1
    assert second.status_code == 302
    assert received_comment(receipt_in(second), article=article) == received_comment(receipt_in(first), article=article)


@pytest.fixture
def other_browser(db):
    """A second browser: it holds none of the first one's cookies."""
    return Client()


def test_the_same_text_from_another_browser_gets_a_receipt_of_its_own(post_comment, other_browser, article):
    first = post_comment(name="Vera Victim")
    second = post_comment(client=other_browser, name="Mallory")
    assert second.status_code == 302
    assert received_comment(receipt_in(second), article=article) == Comment.objects.get(name="Mallory")
    assert receipt_in(first) not in second["Location"]


def test_the_same_text_from_another_browser_shows_nothing_of_the_earlier_comment(post_comment, other_browser):
    post_comment(name="Vera Victim")
    page = other_browser.get(post_comment(client=other_browser, name="Mallory")["Location"]).content.decode()
    assert "Vera Victim" not in page
    assert re.search(r'class="comment--pending">.*<b>Mallory</b>.*Awaiting review.*A thoughtful comment\.', page, re.S)


def test_the_same_text_from_another_browser_is_held_as_a_duplicate_out_of_the_queue(post_comment, other_browser):
    post_comment(name="Vera Victim")
    post_comment(client=other_browser, name="Mallory")
    victim = Comment.objects.get(name="Vera Victim")
    repeated = Comment.objects.get(name="Mallory")
    assert (victim.status, repeated.status) == (Status.PENDING, Status.SPAM)
    assert repeated.spam_reasons.startswith(f"Repeats comment {victim.pk}:")


def test_a_browser_resending_an_earlier_of_its_comments_lands_on_that_ones_page(post_comment, article):
    post_comment(body="First.")
    post_comment(body="Second.")
    again = post_comment(body="First.")
    assert Comment.objects.count() == 2
    assert received_comment(receipt_in(again), article=article) == Comment.objects.get(body="First.")


def test_the_cookie_naming_sent_comments_goes_back_only_to_the_posting_address(post_comment, article):
    cookie = post_comment().cookies[SENT_COOKIE]
    assert cookie["path"] == reverse("comments:post", kwargs={"slug": article.slug})
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_retry_after_a_failed_save_is_not_dropped_as_a_duplicate(post_comment, monkeypatch):
    def database_down(comment, **kwargs):
        raise OperationalError("database is unavailable")

    with monkeypatch.context() as patch:
        patch.setattr("comments.moderation.receive", database_down)
        with pytest.raises(OperationalError):
            post_comment()
    post_comment()
    assert Comment.objects.count() == 1


def test_same_text_from_another_address_is_not_a_duplicate(post_comment):
    post_comment()
    post_comment(email="someone.else@example.org")
    assert Comment.objects.count() == 2


def test_duplicate_check_ignores_differences_the_reader_cannot_see(post_comment):
    post_comment(body="Same words.")
    post_comment(body="  Same words.\r\n", email="ADA@example.org")
    assert Comment.objects.count() == 1


def test_invalid_comment_is_refused_with_status_400_and_nothing_stored(post_comment):
    response = post_comment(email="not-an-address")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_error_page_starts_with_a_summary_linking_to_each_field(post_comment):
    page = post_comment(name="", email="nope").content.decode()
    summary = re.search(r'<div id="error-summary"[^>]*tabindex="-1"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert '<a href="#id_name">Enter your name.</a>' in summary
    assert '<a href="#id_email">Enter an email address in the correct format, like name@example.com.</a>' in summary
    assert page.index('id="error-summary"') < page.index("<form")


def test_each_invalid_field_shows_its_own_message_linked_to_it(post_comment):
    page = post_comment(name="").content.decode()
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*aria-describedby="id_name_error"[^>]*id="id_name"', page)
    assert re.search(r'<div id="id_name_error"[^>]*><p>Enter your name.</p>', page)


def test_error_page_keeps_everything_the_reader_typed(post_comment):
    text = "Line one\r\nline <two> & three " + "x" * 2000
    page = post_comment(name="Bea & Co", body=text, notify_on_publish="on").content.decode()
    assert 'value="Bea &amp; Co"' in page
    assert "Line one\r\nline &lt;two&gt; &amp; three " + "x" * 2000 in page
    assert re.search(r'<input type="checkbox" name="notify_on_publish"[^>]*checked', page)


def test_name_longer_than_80_characters_is_refused_with_a_clear_message(post_comment):
    page = post_comment(name="N" * 81).content.decode()
    assert "Names can be at most 80 characters (you wrote 81)." in page


def test_email_longer_than_254_characters_is_refused_with_a_clear_message(post_comment):
    page = post_comment(email="a" * 64 + "@" + "b" * 186 + ".org").content.decode()
    assert "Email addresses can be at most 254 characters (you wrote 255)." in page


def test_email_is_required(post_comment):
    assert "Enter your email address." in post_comment(email="").content.decode()


RESERVED_NAME_ERROR = "That name is reserved for the site team."


@pytest.mark.parametrize(
    "name",
    [
        "Site team",
        "site TEAM",
        "Site\u200bteam",  # a zero-width space inside
        "S\u0456te team",  # Cyrillic і
        "\uff33\uff49\uff54\uff45 \uff34\uff45\uff41\uff4d",  # fullwidth letters
        "Site-Team",
    ],
)
def test_a_reader_may_not_sign_as_the_site_team(post_comment, name):
    response = post_comment(name=name)
    assert response.status_code == 400
    assert RESERVED_NAME_ERROR in response.content.decode()
    assert not Comment.objects.exists()


def test_a_reader_may_not_sign_with_the_sites_name(post_comment, settings):
    settings.SITE_NAME = "Peptide Notes"
    response = post_comment(name="PEPTIDE  notes")
    assert response.status_code == 400
    assert RESERVED_NAME_ERROR in response.content.decode()


def test_a_reserved_name_is_refused_keeping_everything_the_reader_typed(post_comment):
    page = post_comment(name="Site team", body="My <own> words.").content.decode()
    assert 'value="Site team"' in page
    assert 'value="ada@example.org"' in page
    assert "My &lt;own&gt; words.</textarea>" in page


def test_comment_needs_no_token_from_the_page(article, comment_data, db):
    """A browser says where the post came from (test_cross_origin.py); the page carries no secret."""
    response = Client(enforce_csrf_checks=True).post(
        reverse("comments:post", kwargs={"slug": article.slug}), comment_data, headers={"sec-fetch-site": "same-origin"}
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_opening_the_posting_address_leads_to_the_form(client, article):
    response = client.get(reverse("comments:post", kwargs={"slug": article.slug}))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#leave-a-comment"


def test_comment_on_an_unpublished_article_is_not_found(post_comment, article):
    article.is_published = False
    article.save()
    assert post_comment().status_code == 404


def test_a_refused_forms_title_starts_with_error(post_comment):
    page = post_comment(name="").content.decode()
    assert re.search(r"<title>Error: Check your comment", page)


def test_the_error_summary_is_an_alert_labelled_by_its_heading(post_comment):
    page = post_comment(name="").content.decode()
    assert re.search(r'<div id="error-summary"[^>]*role="alert"[^>]*aria-labelledby="error-summary-title"', page)


def test_the_counter_says_how_many_characters_too_many(post_comment):
    page = post_comment(body="x" * 2003).content.decode()
    assert (
        '2003 / 2000 characters<span class="char-count__over" data-char-count-over>, 3 characters too many</span>'
        in page
    )


def test_the_counter_keeps_the_owners_wording_within_the_limit(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r"0 / 2000 characters<span[^>]*></span>", page)


def test_a_post_does_not_ask_the_database_to_check_what_the_form_has_checked(post_comment):
    # Django validates a model's check constraints with a query each; the
    # form has already enforced the body's, and the database still enforces
    # all of them on the insert. Those queries were a fifth of a post's time.
    with CaptureQueriesContext(connection) as queries:
        assert post_comment().status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    assert [sql for sql in statements if sql.startswith("INSERT")] != []
    assert [sql for sql in statements if "_check" in sql] == []
