"""The sender: it delivers what the outbox holds, outside any request
(`manage.py send_outbox`).

Nothing is lost when the mail server is down or a process is killed: an email
stays unsent until the server accepted it, each attempt is recorded, and a
failed one is retried later with a growing delay. Several senders may run at
once (one beside each app server): each claims an email just before sending
it, for longer than any send can take, and no two take the same email. Claims
are timed by the database's clock, so the hosts' clocks need not agree.

What no outbox can rule out is a sender killed after the mail server accepted
a message and before that was recorded: the message goes out again once the
claim lapses, with the same Message-ID, so the receiving side can tell.
"""

import logging
import os
import socket
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Now
from django.utils import timezone

from .emails import header_line
from .models import DeliveryAttempt, MailWorker, OutboundEmail
from .opt_outs import opted_out, unsubscribe_url

logger = logging.getLogger(__name__)

# COMMENTS_EMAIL_TIMEOUT bounds each step of a send (connect, greeting, EHLO,
# MAIL, RCPT, DATA, the message and its reply), not the whole: a claim lasts
# this many timeouts, longer than the slowest send that still succeeds.
CLAIM_TIMEOUTS = 10
# A sender not seen for this long is forgotten: until then it shows as stale.
FORGET_WORKERS_AFTER = timedelta(days=1)

_sent_hooks = []


def when_sent(hook):
    """Have `hook(email)` called for every email the mail server accepts,
    inside the transaction that records it as sent: how the app that wrote
    an email learns it went out. Apps register theirs in AppConfig.ready()
    (comments/apps.py); the outbox itself knows nothing of them."""
    if hook not in _sent_hooks:
        _sent_hooks.append(hook)


def message_id(email):
    """The email's own Message-ID, the same however often it is sent: a
    message resent after a sender died mid-send is recognisably the one the
    mail server already took."""
    host = urlsplit(settings.SITE_URL).hostname or str(DNS_NAME)
    return f"<outbox-{email.pk}@{host}>"


def build_message(email):
    """The message as it goes out. The subject was flattened when the email
    was written; it is flattened again here, so that no row, however it got
    into the table, can add a header."""
    link = unsubscribe_url(email.to)
    body = f"{email.body.rstrip()}\n\n-- \nTo stop these emails, open {link}\n"
    return EmailMessage(
        header_line(email.subject),
        body,
        to=[header_line(email.to, limit=254)],
        headers={
            "Message-ID": message_id(email),
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def retry_delay(attempts):
    return timedelta(
        seconds=min(settings.OUTBOX_RETRY_SECONDS * 2 ** (attempts - 1), settings.OUTBOX_MAX_RETRY_SECONDS)
    )


def claim_length():
    return timedelta(seconds=settings.COMMENTS_EMAIL_TIMEOUT * CLAIM_TIMEOUTS)


def _clock(now):
    """What due times are compared with and claims measured from: the
    database's clock, the one every sender shares; `now` when given."""
    return Now() if now is None else now


def _claim(now=None):
    """Take the oldest due email for one send, or None when none is due. The
    claim starts when it is taken, not when the pass began, so it holds for
    the whole send however long the pass has run. On PostgreSQL a row another
    sender is claiming is skipped, not waited for; the conditional update
    alone keeps two senders from taking the same row on any database."""
    clock = _clock(now)
    while True:
        with transaction.atomic():
            due = OutboundEmail.objects.due(clock).order_by("due_at", "pk").select_for_update(skip_locked=True)
            pk = due.values_list("pk", flat=True).first()
            if pk is None:
                return None
            if OutboundEmail.objects.due(clock).filter(pk=pk).update(due_at=clock + claim_length()):
                return OutboundEmail.objects.get(pk=pk)


def _record(email, now, error=""):
    at = timezone.now() if now is None else now
    with transaction.atomic():
        DeliveryAttempt.objects.create(email=email, at=at, error=error)
        email.attempts += 1
        if not error:
            email.sent_at = at
            for hook in _sent_hooks:
                hook(email)
        elif email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            email.failed_at = at
            logger.error("Gave up on email %s (%s) after %d attempts", email.pk, email.kind, email.attempts)
        else:
            email.due_at = _clock(now) + retry_delay(email.attempts)
        email.save(update_fields=("attempts", "sent_at", "failed_at", "due_at"))


def heartbeat():
    """Record that this sender is alive, in the database, where every host sees it."""
    MailWorker.objects.update_or_create(host=socket.gethostname(), pid=os.getpid(), defaults={"last_seen": Now()})


def stale_after():
    """The longest a running sender goes unseen: a poll's pause, or one send."""
    return timedelta(seconds=settings.OUTBOX_POLL_SECONDS) + claim_length()


def status():
    """How mail is going out, for /healthz and the admin's home page: whether
    a sender runs ("running", "stale", or "unseen" when none has reported in
    a day), when one was last seen, and how many emails wait or have failed."""
    last_seen = MailWorker.objects.aggregate(last_seen=Max("last_seen"))["last_seen"]
    running = MailWorker.objects.seen_within(stale_after()).exists()
    return {
        "state": "running" if running else "stale" if last_seen else "unseen",
        "last_seen": last_seen,
        "waiting": OutboundEmail.objects.unsent().count(),
        "failed": OutboundEmail.objects.failed().count(),
    }


def retry(email, *, by):
    """Put a failed email back in the outbox, due now, with its attempts
    counted afresh; never to an address that has since unsubscribed.
    Returns whether it was put back."""
    if opted_out(email.to):
        return False
    retried = OutboundEmail.objects.failed().filter(pk=email.pk).update(failed_at=None, attempts=0, due_at=Now())
    if retried:
        logger.info("Email %s is to be sent again, as %s asked", email.pk, by)
    return bool(retried)


def send_due(*, now=None, limit=100):
    """One pass: send up to `limit` emails that are due, oldest first, each
    claimed just before it is sent, the sender's heartbeat recorded before
    the pass and after each email. Returns (sent, failed) counts. `now`
    stands in for the database's clock (tests)."""
    MailWorker.objects.filter(last_seen__lt=Now() - FORGET_WORKERS_AFTER).delete()
    heartbeat()
    sent = failed = 0
    # Opened by the first send, not here: a mail server that is down fails
    # that send, which is recorded and retried like any other failure.
    connection = get_connection(timeout=settings.COMMENTS_EMAIL_TIMEOUT)
    try:
        for _ in range(limit):
            email = _claim(now)
            if email is None:
                break
            try:
                if connection.send_messages([build_message(email)]) != 1:
                    raise RuntimeError("The mail backend did not accept the message.")
            except Exception as error:
                # Whatever went wrong (refused connection, timeout, rejected
                # address), the email stays in the outbox for the next try.
                logger.warning("Could not send email %s (attempt %d): %r", email.pk, email.attempts + 1, error)
                _record(email, now, error=repr(error))
                failed += 1
                _close(connection)
            else:
                _record(email, now)
                sent += 1
            heartbeat()
    finally:
        _close(connection)
    return sent, failed


def _close(connection):
    try:
        connection.close()
    except Exception:
        # A connection that broke mid-send may fail to close as well; the
        # next send opens a new one.
        logger.debug("Closing the mail connection failed", exc_info=True)
