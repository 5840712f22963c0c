"""Several senders at once deliver each email exactly once, to a real SMTP
server, however long their passes run."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from smtp_sink import smtp_sink

from comments.models import Comment
from comments.notifications import Kind
from outbox import sender
from outbox.emails import enqueue
from outbox.models import OutboundEmail

# Committed, for other connections to see; serialized_rollback: the flush
# after each test leaves the groups and content types in place for the next.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAILS = 12
# Long enough for any one send to the sink below, far shorter than a pass.
CLAIM = timedelta(seconds=1)
SEND_SECONDS = 0.3


@pytest.fixture
def slow_mail_server(settings):
    with smtp_sink(delay=SEND_SECONDS) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        yield sink


@pytest.fixture
def waiting_emails(article):
    """Emails waiting to be sent, each to an address of its own."""
    comment = Comment.objects.create(article=article, name="Ada", email="ada@example.org", body="Hello.")
    return [
        enqueue(
            kind=Kind.MODERATOR_NOTICE,
            about=comment,
            to=f"moderator{n}@example.org",
            subject="New comment",
            body="A comment waits.",
        )
        for n in range(EMAILS)
    ]


def keep_sending():
    """Passes as `send_outbox --loop` makes them, on a database connection of
    its own, until the outbox is empty."""
    try:
        # A bound, not a measurement: a broken sender ends the test instead of hanging it.
        deadline = time.monotonic() + 120
        while OutboundEmail.objects.unsent().exists() and time.monotonic() < deadline:
            if sender.send_due() == (0, 0):
                time.sleep(0.05)
    finally:
        connection.close()


def test_a_sender_starting_after_another_has_outlasted_a_claim_delivers_every_email_exactly_once_with_it(
    slow_mail_server, waiting_emails, shared_database, monkeypatch
):
    monkeypatch.setattr(sender, "claim_length", lambda: CLAIM)
    first, second = threading.Thread(target=keep_sending), threading.Thread(target=keep_sending)
    first.start()
    # The first sender's pass has now run longer than a claim lasts.
    assert slow_mail_server.wait_for(int(CLAIM.total_seconds() / SEND_SECONDS) + 1)
    second.start()
    first.join()
    second.join()
    delivered = Counter(message["Message-ID"] for message in slow_mail_server.messages)
    assert delivered == Counter(sender.message_id(email) for email in waiting_emails)
    assert OutboundEmail.objects.filter(sent_at__isnull=False).count() == EMAILS


def test_two_senders_starting_together_deliver_every_email_exactly_once(
    slow_mail_server, waiting_emails, shared_database, monkeypatch
):
    monkeypatch.setattr(sender, "claim_length", lambda: CLAIM)
    senders = [threading.Thread(target=keep_sending) for _ in range(2)]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join()
    delivered = Counter(message["Message-ID"] for message in slow_mail_server.messages)
    assert delivered == Counter(sender.message_id(email) for email in waiting_emails)
