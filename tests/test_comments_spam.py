"""Quiet defences: suspicious comments are held as spam with a reason, comments
with links wait for review with theirs, floods
get a friendly 429 (counted in the database: see test_live_server.py for the
count holding across processes)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from comments.models import Comment, Status


def held_as_spam(response):
    """The reader gets the usual redirect to their thanks; the comment waits in the spam folder."""
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Status.SPAM
    return comment.spam_reasons


def test_filled_honeypot_holds_the_comment_as_spam(post_comment):
    assert "honeypot" in held_as_spam(post_comment(website="http://spam.example"))


def test_two_links_make_the_comment_wait_for_review_not_spam(post_comment):
    post_comment(body="See https://pubmed.ncbi.nlm.nih.gov/1/ and https://clinicaltrials.gov/study/NCT2")
    assert Comment.objects.get().status == Status.PENDING


def test_a_comment_waiting_for_its_links_keeps_the_reason(post_comment):
    post_comment(body="See https://pubmed.ncbi.nlm.nih.gov/1/ and https://clinicaltrials.gov/study/NCT2")
    assert Comment.objects.get().spam_reasons.startswith("Contains 2 links")


def test_links_with_a_filled_honeypot_are_still_spam(post_comment):
    reasons = held_as_spam(post_comment(website="filled", body="Buy at https://a-shop.com and www.b-shop.org"))
    assert "honeypot" in reasons and "Contains 2 links" in reasons


def test_a_comment_waiting_for_its_links_shows_the_reason_in_the_queue(post_comment, moderator_client):
    post_comment(body="See https://pubmed.ncbi.nlm.nih.gov/1/ and https://clinicaltrials.gov/study/NCT2")
    page = moderator_client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert "Held for review because:" in page and "Contains 2 links" in page
    assert "Held as spam because:" not in page


def test_one_link_is_fine(post_comment):
    post_comment(body="The trial is at https://clinicaltrials.gov/study/NCT00000000")
    assert Comment.objects.get().status == Status.PENDING


def test_blocklisted_word_holds_the_comment_as_spam_naming_the_word(post_comment, settings):
    settings.COMMENTS_BLOCKLIST = ["casino", "cheap pills"]
    assert "Matches the blocklist: cheap pills." in held_as_spam(post_comment(body="Get CHEAP PILLS here."))


def test_blocklist_matches_whole_words_only(post_comment, settings):
    settings.COMMENTS_BLOCKLIST = ["casino"]
    post_comment(body="The casinos study was unrelated.")
    assert Comment.objects.get().status == Status.PENDING


def test_spam_comment_is_never_shown(post_comment, client, article):
    post_comment(website="filled", body="Spam body text.")
    assert "Spam body text." not in client.get(article.get_absolute_url()).content.decode()


@pytest.fixture
def rate_limit(settings):
    settings.COMMENTS_RATE_LIMIT = 2
    settings.COMMENTS_RATE_WINDOW = 600


def test_comments_beyond_the_rate_limit_get_a_friendly_429(post_comment, rate_limit):
    post_comment(body="One.")
    post_comment(body="Two.")
    response = post_comment(body="Three.")
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    assert response["Retry-After"] == "600"
    assert Comment.objects.count() == 2


def test_rate_limited_page_keeps_the_readers_text(post_comment, rate_limit):
    post_comment(body="One.")
    post_comment(body="Two.")
    page = post_comment(body="My carefully written third comment.").content.decode()
    assert "My carefully written third comment.</textarea>" in page


def test_rate_limit_counts_each_address_separately(post_comment, client, rate_limit, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.defaults["HTTP_X_FORWARDED_FOR"] = "203.0.113.1"
    post_comment(body="One.", client=client)
    post_comment(body="Two.", client=client)
    client.defaults["HTTP_X_FORWARDED_FOR"] = "203.0.113.2"
    assert post_comment(body="Three.", client=client).status_code == 302


def test_rate_limit_is_lifted_when_the_window_ends(post_comment, rate_limit):
    post_comment(body="One.")
    post_comment(body="Two.")
    Comment.objects.update(created_at=F("created_at") - timedelta(seconds=601))
    assert post_comment(body="Three.").status_code == 302


def test_waiting_reader_can_send_the_same_text_once_the_limit_lifts(post_comment, rate_limit):
    """A refused comment must not be remembered as a duplicate of itself."""
    post_comment(body="One.")
    post_comment(body="Two.")
    post_comment(body="Three.")
    Comment.objects.update(created_at=F("created_at") - timedelta(seconds=601))
    post_comment(body="Three.")
    assert Comment.objects.filter(body="Three.").exists()


def test_the_rate_limit_counts_comments_on_every_article(post_comment, rate_limit, client, dosing_chart, comment_data):
    post_comment(body="One.")
    post_comment(body="Two.")
    url = reverse("comments:post", kwargs={"slug": dosing_chart.slug})
    assert client.post(url, {**comment_data, "body": "Three."}).status_code == 429


def test_no_number_of_requests_to_other_addresses_resets_the_rate_limit(post_comment, rate_limit, client, article):
    """The count lives with the stored comments, not in a cache that other
    requests (other Host ports, other pages) could crowd out."""
    post_comment(body="One.")
    post_comment(body="Two.")
    for port in range(400):
        client.get(article.get_absolute_url(), headers={"host": f"127.0.0.1:{8000 + port}"})
        client.get(f"/no-such-page-{port}/")
    cache.clear()
    assert post_comment(body="Three.").status_code == 429


def test_a_resubmission_at_the_limit_is_answered_as_received(post_comment, rate_limit):
    post_comment(body="One.")
    first = post_comment(body="Two.")
    again = post_comment(body="Two.")
    assert again.status_code == 302
    assert again["Location"].startswith(first["Location"].split("/received/")[0])
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    "disguised",
    [
        "v1agra",  # a digit for a letter
        "ＶＩＡＧＲＡ",  # fullwidth letters
        "vi\u200bagra",  # a zero-width space inside
        "via\u00adgra",  # a soft hyphen inside
        "vi\u0430gra",  # Cyrillic а
        "VIΑGRA",  # Greek capital alpha
    ],
)
def test_a_disguised_blocklisted_word_is_still_held_as_spam(post_comment, settings, disguised):
    settings.COMMENTS_BLOCKLIST = ["viagra"]
    assert "Matches the blocklist: viagra." in held_as_spam(post_comment(body=f"Cheap {disguised} here."))


def test_words_that_only_contain_a_blocklisted_word_after_folding_are_fine(post_comment, settings):
    settings.COMMENTS_BLOCKLIST = ["casino"]
    post_comment(body="The c4sinos study and 5 other papers.")
    assert Comment.objects.get().status == Status.PENDING


def send_from(post_comment, client, address, body):
    client.defaults["REMOTE_ADDR"] = address
    return post_comment(body=body, client=client)


def test_ipv6_addresses_in_one_64_network_share_a_rate_limit(post_comment, client, rate_limit):
    send_from(post_comment, client, "2001:db8:1:2::1", "One.")
    send_from(post_comment, client, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "Two.")
    assert send_from(post_comment, client, "2001:db8:1:2::ffff", "Three.").status_code == 429


def test_ipv6_addresses_in_different_64_networks_are_counted_apart(post_comment, client, rate_limit):
    send_from(post_comment, client, "2001:db8:1:2::1", "One.")
    send_from(post_comment, client, "2001:db8:1:2::2", "Two.")
    assert send_from(post_comment, client, "2001:db8:1:3::1", "Three.").status_code == 302


def test_one_ipv6_address_written_two_ways_is_one_client(post_comment, client, rate_limit):
    send_from(post_comment, client, "2001:db8::1", "One.")
    send_from(post_comment, client, "2001:db8:0:0:0:0:0:1", "Two.")
    assert send_from(post_comment, client, "2001:DB8::1", "Three.").status_code == 429


def test_ipv4_addresses_are_counted_one_by_one_however_written(post_comment, client, rate_limit):
    send_from(post_comment, client, "192.0.2.1", "One.")
    send_from(post_comment, client, "::ffff:192.0.2.1", "Two.")
    assert send_from(post_comment, client, "192.0.2.1", "Three.").status_code == 429
    assert send_from(post_comment, client, "192.0.2.2", "Four.").status_code == 302


@pytest.mark.parametrize("forwarded", ["garbage", "203.0.113.1, ", "203.0.113.1,,127.0.0.1", "203.0.113.1:4711"])
def test_a_comment_whose_forwarded_address_cannot_be_read_gets_the_bad_request_page(
    post_comment, client, settings, forwarded
):
    """Counting such a reader as the proxy would put every reader under one rate limit."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.defaults["HTTP_X_FORWARDED_FOR"] = forwarded
    response = post_comment(client=client)
    assert response.status_code == 400
    assert "Your request could not be read" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_forwarded_address_from_an_untrusted_client_is_ignored_whatever_it_says(post_comment, client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client.defaults["HTTP_X_FORWARDED_FOR"] = "garbage"
    assert post_comment(client=client).status_code == 302


def test_what_a_client_wrote_before_its_own_forwarded_address_is_not_read(post_comment, client, settings):
    """Only the entries trusted proxies added are vouched for; anything left of the client's is the client's own."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.defaults["HTTP_X_FORWARDED_FOR"] = "garbage, 203.0.113.9"
    assert post_comment(client=client).status_code == 302
