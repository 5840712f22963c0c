"""Emails about comments. Each is sent after the comment is committed, from a
background thread, so a slow mail server never holds up the reader's response
and a failing one is logged, never shown: the comment is already safe in the
database."""

import logging
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from .models import MODERATE_PERMISSION

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


def notify_commenter(comment):
    context = {"comment": comment, "comment_url": absolute(comment.get_absolute_url())}
    subject = f"Your comment on “{comment.article.title}” is published"
    body = render_to_string("comments/email/publication_notice.txt", context)
    deliver([EmailMessage(subject, body, to=[comment.email])], f"Could not email the commenter of comment {comment.pk}")
