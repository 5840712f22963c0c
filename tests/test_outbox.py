"""The outbox never loses an email: a failed send is recorded and retried with a growing
delay, an email is marked sent only once the mail server took it, headers cannot be broken
by content, and every email can be unsubscribed from without signing in."""

import ast
import hashlib
import io
import logging
import socket
import zlib
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.moderation import approve
from comments.notifications import Kind
from outbox import opt_outs, sender
from outbox.models import EmailOptOut, OutboundEmail

CRLF_TITLE = "Thymosin\r\nBcc: x@example.org"


@pytest.fixture
def refusing_mail_server(settings):
    """A real SMTP connection to a port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.COMMENTS_EMAIL_TIMEOUT = 2


@pytest.fixture
def working_mail_server(settings):
    def _restore():
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return _restore


@pytest.fixture
def consenting_comment(pending_comment):
    pending_comment.notify_on_publish = True
    pending_comment.save()
    return pending_comment


@pytest.fixture
def published_notice(consenting_comment, moderator, past_undo):
    """An approved comment whose "published" email is due `past_undo` seconds from now."""
    approve(consenting_comment, by=moderator)
    return OutboundEmail.objects.get(kind=Kind.PUBLICATION_NOTICE)


def test_a_failed_send_is_recorded_and_a_later_successful_one_delivers_the_email(
    published_notice, refusing_mail_server, working_mail_server, deliver, past_undo, settings
):
    assert deliver(after=past_undo) == (0, 1)
    published_notice.refresh_from_db()
    assert published_notice.sent_at is None
    assert published_notice.attempts == 1
    assert "ConnectionRefusedError" in published_notice.delivery_attempts.get().error
    assert published_notice.about.publication_notice_sent_at is None

    working_mail_server()
    assert deliver(after=past_undo + settings.OUTBOX_RETRY_SECONDS) == (1, 0)
    published_notice.refresh_from_db()
    assert published_notice.sent_at is not None
    assert [attempt.error == "" for attempt in published_notice.delivery_attempts.all()] == [False, True]
    assert len(mail.outbox) == 1
    published_notice.about.refresh_from_db()
    assert published_notice.about.publication_notice_sent_at == published_notice.sent_at


def test_a_failed_email_is_not_tried_again_before_its_retry_delay(
    published_notice, refusing_mail_server, working_mail_server, deliver, past_undo, settings
):
    deliver(after=past_undo)
    working_mail_server()
    assert deliver(after=past_undo + settings.OUTBOX_RETRY_SECONDS - 1) == (0, 0)
    assert mail.outbox == []


def test_the_retry_delay_doubles_up_to_its_cap(settings):
    settings.OUTBOX_RETRY_SECONDS, settings.OUTBOX_MAX_RETRY_SECONDS = 60, 3600
    delays = [sender.retry_delay(attempts).total_seconds() for attempts in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_the_sender_gives_up_after_the_last_attempt_and_says_so(
    published_notice, refusing_mail_server, settings, caplog
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    at = timezone.now() + timedelta(seconds=settings.MODERATION_UNDO_SECONDS + 1)
    with caplog.at_level(logging.WARNING):
        for _ in range(4):
            sender.send_due(now=at)
            at += timedelta(seconds=settings.OUTBOX_MAX_RETRY_SECONDS)
    published_notice.refresh_from_db()
    assert published_notice.attempts == 3
    assert published_notice.failed_at is not None
    assert "Gave up on email" in caplog.text


def test_an_email_another_sender_has_claimed_is_not_sent_twice(published_notice, deliver, past_undo):
    at = timezone.now() + timedelta(seconds=past_undo)
    assert sender._claim(at) == published_notice
    assert deliver(after=past_undo) == (0, 0)
    assert mail.outbox == []


def test_a_claim_left_by_a_sender_that_died_is_taken_over_later(published_notice, deliver, past_undo):
    at = timezone.now() + timedelta(seconds=past_undo)
    sender._claim(at)
    assert deliver(after=past_undo + sender.claim_length().total_seconds()) == (1, 0)


def test_a_claim_outlasts_the_smtp_timeout_of_every_step_of_a_send(settings):
    settings.COMMENTS_EMAIL_TIMEOUT = 10
    assert sender.claim_length() >= timedelta(seconds=7 * 10)


def test_each_email_carries_a_message_id_of_its_own_that_a_resend_repeats(published_notice, settings):
    settings.SITE_URL = "https://ta1.example.org"
    first, again = sender.build_message(published_notice).message(), sender.build_message(published_notice).message()
    assert first["Message-ID"] == again["Message-ID"] == f"<outbox-{published_notice.pk}@ta1.example.org>"


def test_send_outbox_makes_one_pass_and_reports_it(post_comment, moderators_with_email):
    post_comment()
    out = io.StringIO()
    call_command("send_outbox", stdout=out)
    assert len(mail.outbox) == len(moderators_with_email)
    assert out.getvalue() == f"Sent {len(moderators_with_email)} emails, 0 to retry later.\n"


def test_a_title_with_a_line_break_cannot_add_a_header(published_notice, deliver, past_undo):
    Article.objects.filter(pk=published_notice.about.article_id).update(title=CRLF_TITLE)
    OutboundEmail.objects.filter(pk=published_notice.pk).update(subject=f"About “{CRLF_TITLE}”")
    assert deliver(after=past_undo) == (1, 0)
    message = mail.outbox[0].message()
    assert str(make_header(decode_header(message["Subject"]))) == "About “Thymosin Bcc: x@example.org”"
    assert message["Bcc"] is None
    assert mail.outbox[0].recipients() == ["pat@example.org"]


def test_an_email_about_a_title_with_a_line_break_is_written_on_one_line(consenting_comment, moderator):
    Article.objects.filter(pk=consenting_comment.article_id).update(title=CRLF_TITLE)
    consenting_comment.refresh_from_db()
    approve(consenting_comment, by=moderator)
    assert OutboundEmail.objects.get().subject == "Your comment on “Thymosin Bcc: x@example.org” is published"


def test_the_admin_refuses_an_article_title_with_a_line_break(editor_client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(
        url,
        {
            "title": CRLF_TITLE,
            "slug": article.slug,
            "summary": article.summary,
            "is_published": "on",
            "disclaimer": article.disclaimer,
        },
    )
    assert response.status_code == 200
    assert "Use a single line" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "A test article"


def test_the_comment_form_refuses_a_name_with_a_line_break(post_comment):
    response = post_comment(name="Ada\r\nBcc: x@example.org")
    assert response.status_code == 400
    assert "Use a single line" in response.content.decode()
    assert not Comment.objects.exists()


def test_every_email_carries_one_click_unsubscribe_headers_and_link(published_notice, deliver, past_undo):
    deliver(after=past_undo)
    message = mail.outbox[0]
    link = opt_outs.unsubscribe_url("pat@example.org")
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body


def test_the_unsubscribe_link_does_not_reveal_the_address():
    assert "pat" not in opt_outs.unsubscribe_url("pat@example.org").rsplit("/unsubscribe/", 1)[1].lower()


def unsubscribe_path(address):
    return urlsplit(opt_outs.unsubscribe_url(address)).path


def test_opening_the_unsubscribe_link_asks_before_changing_anything(client, db):
    response = client.get(unsubscribe_path("pat@example.org"))
    assert response.status_code == 200
    assert b"Unsubscribe</button>" in response.content
    assert "no-store" in response["Cache-Control"]
    assert not EmailOptOut.objects.exists()


def test_a_one_click_post_without_a_session_unsubscribes_and_cancels_waiting_emails(
    published_notice, deliver, past_undo
):
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path("PAT@example.org"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    deliver(after=past_undo)
    assert mail.outbox == []
    published_notice.refresh_from_db()
    assert published_notice.cancelled_at is not None


def test_an_unsubscribed_address_gets_no_new_emails(consenting_comment, moderator, client):
    client.post(unsubscribe_path("pat@example.org"))
    approve(consenting_comment, by=moderator)
    assert not OutboundEmail.objects.exists()


def test_a_forged_unsubscribe_link_is_refused(client, db):
    response = client.post(reverse("outbox:unsubscribe", kwargs={"token": "forged"}))
    assert response.status_code == 404
    assert not EmailOptOut.objects.exists()


def plain_digest(address):
    return hashlib.sha256(address.encode()).hexdigest()


def readable_part(token):
    """What anyone holding a link can read of its token: a signed value is
    only base64 (zlib-compressed after a leading dot), not encrypted."""
    payload = token.split(":")[0]
    data = signing.b64_decode(payload.lstrip(".").encode())
    return (zlib.decompress(data) if payload.startswith(".") else data).decode()


def test_the_opt_out_list_holds_no_plain_digest_of_the_address(client, db):
    client.post(unsubscribe_path("pat@example.org"))
    assert EmailOptOut.objects.get().address_hash != plain_digest("pat@example.org")


def test_the_unsubscribe_link_carries_no_plain_digest_of_the_address():
    token = unsubscribe_path("pat@example.org").rstrip("/").rsplit("/", 1)[1]
    assert plain_digest("pat@example.org") not in readable_part(token)


@pytest.fixture
def rotated_key(settings, db):
    """Rotate SECRET_KEY the way Django documents: the old key moves to SECRET_KEY_FALLBACKS."""

    def _rotate():
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    return _rotate


def test_an_address_stays_opted_out_after_the_key_is_rotated(client, rotated_key):
    client.post(unsubscribe_path("pat@example.org"))
    rotated_key()
    assert opt_outs.opted_out("PAT@example.org")


def test_a_link_made_before_the_key_was_rotated_still_unsubscribes(client, rotated_key):
    path = unsubscribe_path("pat@example.org")
    rotated_key()
    assert b"You are unsubscribed" in client.post(path).content
    assert opt_outs.opted_out("pat@example.org")


def test_an_opt_out_made_after_the_key_was_rotated_uses_the_new_key(client, rotated_key):
    rotated_key()
    client.post(unsubscribe_path("pat@example.org"))
    assert EmailOptOut.objects.get().address_hash == opt_outs.address_hash("pat@example.org")


def test_a_link_from_before_opt_outs_were_keyed_still_unsubscribes(client, db):
    token = signing.dumps(plain_digest("pat@example.org"), salt="comments.unsubscribe", compress=True)
    response = client.post(reverse("outbox:unsubscribe", kwargs={"token": token}))
    assert b"You are unsubscribed" in response.content
    assert opt_outs.opted_out("pat@example.org")


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_the_outbox_imports_nothing_from_comments():
    app = Path(sender.__file__).parent
    imported = {module for path in app.rglob("*.py") for module in imported_modules(path)}
    assert {module for module in imported if module.split(".")[0] == "comments"} == set()
    assert "outbox" in {module.split(".")[0] for module in imported}


def test_an_app_learns_from_the_hook_it_registered_that_its_email_went_out(
    published_notice, deliver, past_undo, monkeypatch
):
    heard = []
    monkeypatch.setattr(sender, "_sent_hooks", [])
    sender.when_sent(lambda email: heard.append((email.pk, email.sent_at)))
    deliver(after=past_undo)
    published_notice.refresh_from_db()
    assert heard == [(published_notice.pk, published_notice.sent_at)]
