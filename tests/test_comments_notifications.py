"""Emails: moderators hear of each new pending comment; a commenter who asked hears once of publication."""

import re
import socket
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from comments.models import Comment, Status
from comments.moderation import approve, reject, return_to_pending


@pytest.fixture
def send(post_comment, django_capture_on_commit_callbacks):
    """Post a comment and run what waits for the transaction to commit, as in production."""

    def _send(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            return post_comment(**changes)

    return _send


def test_each_moderator_gets_a_separate_email_about_a_new_comment(send, moderators_with_email):
    send()
    assert sorted(message.to[0] for message in mail.outbox) == moderators_with_email
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)


def test_moderator_email_links_to_the_comment_in_the_admin_and_performs_nothing(send, moderators_with_email, settings):
    send()
    comment = Comment.objects.get()
    links = re.findall(r"https?://\S+", mail.outbox[0].body)
    assert links == [f"{settings.SITE_URL}/admin/comments/comment/{comment.pk}/change/"]


def test_moderator_email_quotes_the_comment(send, moderators_with_email):
    send()
    assert "A thoughtful comment." in mail.outbox[0].body


def test_moderator_email_does_not_reveal_the_commenters_address(send, moderators_with_email):
    send()
    assert "ada@example.org" not in mail.outbox[0].message().as_string()


def test_moderators_are_not_emailed_about_comments_held_as_spam(send, moderators_with_email):
    send(website="filled in by a bot")
    assert mail.outbox == []


def test_moderator_notification_can_be_turned_off(send, moderators_with_email, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = False
    send()
    assert mail.outbox == []


def test_editors_are_not_emailed_about_comments(send, editor):
    editor.email = "editor@example.org"
    editor.save()
    send()
    assert mail.outbox == []


@pytest.fixture
def refusing_mail_server(settings):
    """A real SMTP connection to a port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port


def test_failing_mail_server_neither_shows_an_error_nor_loses_the_comment(
    send, moderators_with_email, refusing_mail_server, caplog
):
    response = send()
    assert response.status_code == 302
    assert Comment.objects.get().status == Status.PENDING
    assert "Could not email the moderators" in caplog.text


@pytest.fixture
def approve_now(moderator, django_capture_on_commit_callbacks):
    def _approve(comment):
        with django_capture_on_commit_callbacks(execute=True):
            approve(comment, by=moderator)

    return _approve


def test_commenter_who_consented_gets_one_email_on_approval(send, approve_now, settings):
    send(notify_on_publish="on")
    mail.outbox.clear()
    comment = Comment.objects.get()
    approve_now(comment)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert f"{settings.SITE_URL}/comments/{comment.pk}/" in mail.outbox[0].body


def test_commenter_without_consent_gets_no_email(send, approve_now):
    send()
    mail.outbox.clear()
    approve_now(Comment.objects.get())
    assert mail.outbox == []


def test_commenter_is_emailed_only_once_however_often_the_comment_is_approved(send, approve_now, moderator):
    send(notify_on_publish="on")
    mail.outbox.clear()
    comment = Comment.objects.get()
    approve_now(comment)
    return_to_pending(comment, by=moderator)
    approve_now(comment)
    assert len(mail.outbox) == 1


def test_rejection_sends_the_commenter_nothing(send, moderator, django_capture_on_commit_callbacks):
    send(notify_on_publish="on")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reject(Comment.objects.get(), by=moderator)
    assert mail.outbox == []


def test_moderators_are_emailed_only_after_the_comment_is_committed(
    post_comment, moderators_with_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_comment()
    assert mail.outbox == []
    assert len(callbacks) == 1


class StalledMailServer(EmailBackend):
    """A mail backend that hangs until the test lets it go."""

    release = threading.Event()

    def send_messages(self, messages):
        self.release.wait(timeout=30)
        return super().send_messages(messages)


def test_a_slow_mail_server_does_not_hold_up_the_readers_response(send, moderators_with_email, settings):
    settings.EMAIL_BACKEND = f"{__name__}.StalledMailServer"
    settings.COMMENTS_EMAIL_IN_BACKGROUND = True
    StalledMailServer.release.clear()
    response = send()
    assert response.status_code == 302
    assert mail.outbox == []
    StalledMailServer.release.set()
    for thread in threading.enumerate():
        if thread.name == "comment-email":
            thread.join(timeout=30)
    assert len(mail.outbox) == len(moderators_with_email)
