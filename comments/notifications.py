"""Emails about comments. Each is sent after the comment is committed, from a
background thread, so a slow mail server never holds up the reader's response
and a failing one is logged, never shown: the comment is already safe in the
database."""

import logging
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import close_old_connections
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import MODERATE_PERMISSION, Comment, Status

logger = logging.getLogger(__name__)

def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def deliver(messages, failure):
    """Send `messages`, logging `failure` if the mail server lets us down.

    Everything that needs the database is done by the caller; only the talk
    with the mail server happens here, in a thread of its own unless
    COMMENTS_EMAIL_IN_BACKGROUND is off.
    """

    def send():
        try:
            get_connection(timeout=settings.COMMENTS_EMAIL_TIMEOUT).send_messages(messages)
        except Exception:
            # Any failure (refused connection, timeout, rejected sender) must
            # not turn the reader's successful post into an error page.
            logger.exception(failure)

    if not messages:
        return
    if settings.COMMENTS_EMAIL_IN_BACKGROUND:
        threading.Thread(target=send, name="comment-email").start()
    else:
        send()


def moderator_addresses():
    users = get_user_model().objects.with_perm(MODERATE_PERMISSION).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def notify_moderators(comment):
    if not settings.COMMENTS_NOTIFY_MODERATORS:
        return
    context = {
        "comment": comment,
        "admin_url": absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
    }
    subject = f"New comment to review on “{comment.article.title}”"
    body = render_to_string("comments/email/moderator_notice.txt", context)
    # One message per moderator, so no moderator learns another's address.
    messages = [EmailMessage(subject, body, to=[address]) for address in moderator_addresses()]
    deliver(messages, f"Could not email the moderators about comment {comment.pk}")


def after_undo_window(function, *args, delay=None):
    """Call function(*args) once MODERATION_UNDO_SECONDS (or `delay`) have
    passed, in a timer thread of this process, so that no email about a
    decision leaves while the decision can still be undone.

    The timer lives in memory: an app process stopped within the window
    drops the email it was holding."""
    delay = settings.MODERATION_UNDO_SECONDS if delay is None else delay
    if delay <= 0:
        function(*args)
        return
    timer = threading.Timer(delay, _in_timer_thread, (function, *args))
    timer.name = "comment-email-delay"
    timer.daemon = True
    timer.start()


def _in_timer_thread(function, *args):
    try:
        function(*args)
    except Exception:
        logger.exception("A delayed comment email could not be prepared")
    finally:
        # The thread opened its own database connection; nothing else will close it.
        close_old_connections()


def notify_commenter_if_approved(comment_pk):
    """The publication notice, if the approval still stands once its undo
    window has closed. An undone approval gives the notice back, so that the
    next approval sends it."""
    comment = Comment.objects.select_related("article").filter(pk=comment_pk).first()
    if comment is None:
        return
    if comment.status != Status.APPROVED:
        Comment.objects.filter(pk=comment_pk).update(publication_notice_sent_at=None)
        return
    # Approved, undone and approved again: wait for the latest approval's window.
    latest = comment.decisions.order_by("-at", "-pk").first()
    remaining = (latest.at - timezone.now()).total_seconds() + settings.MODERATION_UNDO_SECONDS if latest else 0
    if remaining > 0:
        after_undo_window(notify_commenter_if_approved, comment_pk, delay=remaining)
        return
    notify_commenter(comment)


def notify_commenter(comment):
    context = {"comment": comment, "comment_url": absolute(comment.get_absolute_url())}
    subject = f"Your comment on “{comment.article.title}” is published"
    body = render_to_string("comments/email/publication_notice.txt", context)
    deliver([EmailMessage(subject, body, to=[comment.email])], f"Could not email the commenter of comment {comment.pk}")
