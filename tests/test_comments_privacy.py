"""Privacy: a commenter's email address never reaches the public, and a
data-protection request can be answered."""

import hashlib
import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from comments import counts
from comments.models import Comment
from comments.moderation import approve
from comments.privacy import erase_comments, purge
from comments.replies import reply_as_site


@pytest.fixture
def article(loaded_article):
    """The real article, so that every public page of the site is there to walk."""
    return loaded_article


@pytest.fixture
def posted_address(client, post_comment, moderator):
    """A unique address, on a comment that was posted and then approved."""
    address = "unique.reader.7c1e@example.net"
    post_comment(email=address, body="Published comment with a private address.")
    approve(Comment.objects.get(), by=moderator)
    return address


def public_urls(article, dosing_chart):
    comment = Comment.objects.get()
    return [
        "/",
        article.get_absolute_url(),
        article.get_absolute_url() + "?page=1",
        dosing_chart.get_absolute_url(),
        reverse("comments:feed"),
        comment.get_absolute_url(),
        "/sitemap.xml",
        "/robots.txt",
        "/no-such-page/",
    ]


def test_email_never_appears_in_any_public_response(client, posted_address, article, dosing_chart):
    assert "Published comment with a private address." in client.get(article.get_absolute_url()).content.decode()
    secrets = [posted_address, posted_address.split("@")[0]] + [
        getattr(hashlib, name)(posted_address.encode()).hexdigest() for name in ("md5", "sha1", "sha256")
    ]
    for url in public_urls(article, dosing_chart):
        response = client.get(url, follow=True)
        body = response.content.decode() + "".join(f"{k}: {v}" for k, v in response.headers.items())
        for secret in secrets:
            assert secret not in body, url


def test_structured_data_carries_no_comment_details(client, posted_address, article):
    page = client.get(article.get_absolute_url()).content.decode()
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "example.net" not in json_ld


def test_ip_address_is_stored_only_as_a_keyed_hash(post_comment):
    post_comment()
    comment = Comment.objects.get()
    assert re.fullmatch(r"[0-9a-f]{64}", comment.ip_hmac)
    assert comment.ip_hmac != hashlib.sha256(b"127.0.0.1").hexdigest()
    assert "127.0.0.1" not in json.dumps(list(Comment.objects.values()), default=str)


def test_same_address_gives_the_same_hash_so_moderators_can_see_a_pattern(post_comment):
    post_comment(body="One.")
    post_comment(body="Two.")
    assert Comment.objects.values("ip_hmac").distinct().count() == 1


def test_hash_changes_with_the_server_secret(post_comment, settings):
    post_comment(body="One.")
    settings.SECRET_KEY = "another secret key entirely, long enough to be a real one"
    post_comment(body="Two.")
    assert Comment.objects.values("ip_hmac").distinct().count() == 2


def test_forwarded_for_header_is_ignored_by_default(post_comment, client):
    post_comment(body="One.", client=client)
    client.defaults["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    post_comment(body="Two.", client=client)
    assert Comment.objects.values("ip_hmac").distinct().count() == 1


def test_forwarded_for_header_is_believed_from_a_trusted_proxy(post_comment, client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    client.defaults["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    post_comment(body="One.", client=client)
    client.defaults["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    post_comment(body="Two.", client=client)
    assert Comment.objects.values("ip_hmac").distinct().count() == 2


def test_a_client_cannot_pose_as_another_by_prepending_to_the_forwarded_for_header(post_comment, client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.defaults["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    post_comment(body="One.", client=client)
    client.defaults["HTTP_X_FORWARDED_FOR"] = "198.51.100.1, 203.0.113.9"
    post_comment(body="Two.", client=client)
    assert Comment.objects.values("ip_hmac").distinct().count() == 1


def test_user_agent_is_truncated(post_comment, client):
    client.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 " + "x" * 500
    post_comment(client=client)
    assert len(Comment.objects.get().user_agent) == 200


@pytest.fixture
def two_commenters(article):
    for email, body in (
        ("ann@example.org", "Ann's first."),
        ("Ann@Example.org", "Ann's second."),
        ("bo@example.org", "Bo's."),
    ):
        Comment.objects.create(article=article, name="N", email=email, body=body)


def test_export_command_prints_every_comment_of_one_address_as_json(two_commenters):
    out = io.StringIO()
    call_command("export_comments", "ann@example.org", stdout=out)
    exported = json.loads(out.getvalue())
    assert [item["body"] for item in exported] == ["Ann's first.", "Ann's second."]
    assert exported[0]["article"] == "Thymosin Alpha 1"


def test_erase_command_deletes_every_comment_of_one_address_only(two_commenters):
    out = io.StringIO()
    call_command("erase_comments", "ann@example.org", "--noinput", stdout=out)
    assert list(Comment.objects.values_list("body", flat=True)) == ["Bo's."]
    assert "Erased 2 comments from ann@example.org." in out.getvalue()


def test_erase_command_asks_before_deleting(two_commenters, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError):
        call_command("erase_comments", "ann@example.org", stdout=io.StringIO())
    assert Comment.objects.count() == 3


@pytest.fixture
def unicode_commenter(article):
    for email, body in (("gdpr@über.example", "Lower case."), ("GDPR@ÜBER.example", "Upper case.")):
        Comment.objects.create(article=article, name="Ü", email=email, body=body)
    Comment.objects.create(article=article, name="U", email="gdpr@uber.example", body="Another person.")


def test_export_matches_an_address_in_any_unicode_case(unicode_commenter):
    out = io.StringIO()
    call_command("export_comments", "Gdpr@Über.Example", stdout=out)
    assert [item["body"] for item in json.loads(out.getvalue())] == ["Lower case.", "Upper case."]


def test_erasure_matches_an_address_in_any_unicode_case(unicode_commenter):
    call_command("erase_comments", "gdpr@über.example", "--noinput", stdout=io.StringIO())
    assert list(Comment.objects.values_list("body", flat=True)) == ["Another person."]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("STRASSE@example.org", "straße@example.org"),
        ("ǅ@example.org", "ǆ@example.org"),
        ("ｆｕｌｌ@example.org", "full@example.org"),
    ],
)
def test_addresses_match_after_case_folding_and_compatibility_normalisation(article, typed, stored):
    comment = Comment.objects.create(article=article, name="N", email=stored, body="b")
    assert list(Comment.objects.by_email(typed)) == [comment]


def test_the_matching_copy_of_the_address_leads_an_index():
    # Export and erasure look up one address; the duplicate check one address's recent comments.
    assert ("email_key", "created_at") in [tuple(index.fields) for index in Comment._meta.indexes]


def test_a_resubmission_in_another_unicode_case_is_dropped_as_a_duplicate(post_comment, settings):
    settings.COMMENTS_DUPLICATE_WINDOW = 300
    post_comment(email="gdpr@über.example")
    post_comment(email="GDPR@ÜBER.example")
    assert Comment.objects.count() == 1


@pytest.fixture
def answered_thread(article):
    """Ann's comment with a reply from Bo and one from Ann herself."""
    ann = Comment.objects.create(
        article=article, name="Ann", email="ann@example.org", body="Ann asks.", status="approved"
    )
    Comment.objects.create(
        article=article, parent=ann, name="Bo", email="bo@example.org", body="Bo answers.", status="approved"
    )
    Comment.objects.create(
        article=article, parent=ann, name="Ann", email="ann@example.org", body="Ann thanks.", status="approved"
    )
    counts.recount(article)
    return ann


def test_erasing_a_comment_others_replied_to_blanks_it_and_keeps_their_replies(answered_thread):
    assert erase_comments("ann@example.org") == 2
    blanked = Comment.objects.get(pk=answered_thread.pk)
    assert (blanked.name, blanked.email, blanked.body, blanked.status) == ("", "", "", "rejected")
    assert list(blanked.replies.values_list("body", flat=True)) == ["Bo answers."]


def test_erasing_a_comment_answered_only_by_its_own_author_deletes_it_all(answered_thread):
    Comment.objects.filter(email="bo@example.org").delete()
    assert erase_comments("ann@example.org") == 2
    assert not Comment.objects.exists()


def test_an_empty_address_reaches_no_comment(answered_thread, moderator):
    reply_as_site(answered_thread, body="From the site.", by=moderator)
    assert erase_comments("") == 0
    assert Comment.objects.filter(by_site_team=True).exists()


def test_the_retention_purge_blanks_an_old_refused_comment_others_replied_to(answered_thread, moderator):
    Comment.objects.filter(pk=answered_thread.pk).update(
        status="rejected", moderated_at=timezone.now() - timedelta(days=400)
    )
    purge()
    kept = Comment.objects.get(pk=answered_thread.pk)
    assert (kept.name, kept.email, kept.body) == ("", "", "")
    assert set(kept.replies.values_list("body", flat=True)) == {"Bo answers.", "Ann thanks."}
    assert purge() == (0, 0)
