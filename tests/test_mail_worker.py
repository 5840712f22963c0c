"""Anyone can see whether mail goes out: each sender records that it is alive
in the database, the admin's home page tells staff who may see the outbox,
and a failed email can be sent again from the outbox's list."""

import os
import socket
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.notifications import Kind
from outbox import opt_outs, sender
from outbox.emails import enqueue
from outbox.models import MailWorker, OutboundEmail

OUTBOX = reverse("admin:outbox_outboundemail_changelist")


def seen(ago):
    MailWorker.objects.create(host="mail-host", pid=4321, last_seen=timezone.now() - ago)


@pytest.fixture
def email(article):
    comment = Comment.objects.create(article=article, name="Ada", email="ada@example.org", body="Hello.")
    return enqueue(
        kind=Kind.MODERATOR_NOTICE,
        about=comment,
        to="mod@example.org",
        subject="New comment",
        body="A comment waits.",
    )


@pytest.fixture
def failed_email(email):
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=30, failed_at=timezone.now())
    email.refresh_from_db()
    return email


def test_a_pass_records_that_its_sender_is_alive_by_host_and_process(db, deliver):
    deliver()
    worker = MailWorker.objects.get()
    assert (worker.host, worker.pid) == (socket.gethostname(), os.getpid())


def test_each_pass_updates_the_senders_one_row(db, deliver):
    an_hour_ago = timezone.now() - timedelta(hours=1)
    MailWorker.objects.create(host=socket.gethostname(), pid=os.getpid(), last_seen=an_hour_ago)
    deliver()
    assert MailWorker.objects.get().last_seen > an_hour_ago


def test_a_sender_not_seen_for_a_day_is_forgotten(db, deliver):
    seen(ago=timedelta(days=1, minutes=1))
    deliver()
    assert list(MailWorker.objects.values_list("host", flat=True)) == [socket.gethostname()]


def test_the_status_says_running_while_a_sender_is_seen(db, deliver):
    deliver()
    assert sender.status()["state"] == "running"


def test_the_status_says_stale_once_the_sender_has_not_been_seen_for_longer_than_a_pause_and_a_send(db):
    seen(ago=sender.stale_after() + timedelta(seconds=1))
    status = sender.status()
    assert status["state"] == "stale"
    assert status["last_seen"] == MailWorker.objects.get().last_seen


def test_the_status_says_unseen_with_no_last_seen_when_no_sender_has_reported(db):
    assert sender.status() == {"state": "unseen", "last_seen": None, "waiting": 0, "failed": 0}


def test_the_status_counts_emails_waiting_and_failed(email, failed_email):
    enqueue(kind=Kind.MODERATOR_NOTICE, about=email.about, to="other@example.org", subject="S", body="B")
    assert (sender.status()["waiting"], sender.status()["failed"]) == (1, 1)


def test_the_admin_home_tells_staff_who_may_see_the_outbox_how_mail_goes_out(moderator_client, failed_email):
    seen(ago=timedelta(seconds=1))
    page = moderator_client.get(reverse("admin:index")).content.decode()
    assert "Mail sender running, last seen" in page
    assert "0 emails waiting" in page
    assert f'<a href="{OUTBOX}?failed_at__isempty=0">1 failed</a>' in page


def test_the_admin_home_says_when_no_sender_has_been_seen(moderator_client, db):
    assert "No mail sender has been seen running" in moderator_client.get(reverse("admin:index")).content.decode()


def test_the_admin_home_tells_nothing_of_mail_to_staff_who_may_not_see_the_outbox(editor_client, failed_email):
    assert "mail sender" not in editor_client.get(reverse("admin:index")).content.decode().lower()


def retry(client, emails):
    return client.post(
        OUTBOX, {"action": "retry_failed", "_selected_action": [email.pk for email in emails]}, follow=True
    )


def test_the_retry_action_puts_a_failed_email_back_in_the_outbox_due_now(moderator_client, failed_email, deliver):
    response = retry(moderator_client, [failed_email])
    assert "1 email put back in the outbox." in response.content.decode()
    failed_email.refresh_from_db()
    assert (failed_email.failed_at, failed_email.attempts) == (None, 0)
    assert deliver() == (1, 0)
    assert [message.to for message in mail.outbox] == [["mod@example.org"]]


def test_the_retry_action_leaves_an_email_that_has_not_failed_as_it_was(moderator_client, email):
    response = retry(moderator_client, [email])
    assert "1 left as it was" in response.content.decode()
    assert OutboundEmail.objects.get() == email


def test_a_failed_email_to_an_address_that_has_since_unsubscribed_is_not_sent_again(failed_email, moderator, client):
    client.post(opt_outs.unsubscribe_url("mod@example.org"))
    assert not sender.retry(failed_email, by=moderator)
    failed_email.refresh_from_db()
    assert failed_email.failed_at is not None


@pytest.fixture
def outbox_viewer_client(client, staff_user):
    """Staff who may look into the outbox, but not send anything again."""
    staff_user.user_permissions.add(Permission.objects.get(codename="view_outboundemail"))
    client.force_login(staff_user)
    return client


def test_the_retry_action_is_not_offered_without_its_permission(outbox_viewer_client, failed_email):
    assert 'value="retry_failed"' not in outbox_viewer_client.get(OUTBOX).content.decode()
    retry(outbox_viewer_client, [failed_email])
    failed_email.refresh_from_db()
    assert failed_email.failed_at is not None


def test_moderators_may_send_failed_emails_again(db):
    moderators = Group.objects.get(name="Moderators")
    assert moderators.permissions.filter(codename="retry_outboundemail").exists()


def test_an_emails_page_in_the_admin_links_to_the_comment_it_is_about(moderator_client, email):
    page = moderator_client.get(reverse("admin:outbox_outboundemail_change", args=[email.pk])).content.decode()
    comment_page = reverse("admin:comments_comment_change", args=[email.about_id])
    assert f'<a href="{comment_page}">Ada on A test article</a>' in page
