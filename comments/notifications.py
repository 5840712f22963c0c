"""The emails about comments, written to the outbox (the outbox app) inside
the transaction of the event they tell of. Nothing here talks to a mail server."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse

from outbox import emails
from web.links import absolute

from .models import MODERATE_PERMISSION, Comment, Status


class Kind(models.TextChoices):
    MODERATOR_NOTICE = "moderator", "New comment, to a moderator"
    PUBLICATION_NOTICE = "published", "Comment published, to its commenter"
    REPLY_NOTICE = "reply", "New reply, to the commenter replied to"
    SPAM_NOTICE = "held-spam", "Comment held as spam, to a moderator who asked"


# The comment field each kind marks once the mail server has accepted it.
SENT_FIELDS = {Kind.PUBLICATION_NOTICE: "publication_notice_sent_at", Kind.REPLY_NOTICE: "reply_notice_sent_at"}
# Emails that announce a moderation decision; undoing the decision cancels them.
DECISION_KINDS = (Kind.PUBLICATION_NOTICE, Kind.REPLY_NOTICE)


def moderator_addresses(**only):
    """The addresses of the active accounts that may moderate (and match `only`)."""
    users = get_user_model().objects.with_perm(MODERATE_PERMISSION).filter(**only).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def moderators_emailed():
    return settings.COMMENTS_EMAILS and settings.COMMENTS_NOTIFY_MODERATORS


def notify_moderators(comment):
    """A new comment: waiting for review, to every moderator; held as spam,
    only to those who asked for it (ModeratorNotices)."""
    if not moderators_emailed():
        return
    context = {
        "comment": comment,
        "admin_url": absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
    }
    if comment.status == Status.SPAM:
        kind, subject, template = Kind.SPAM_NOTICE, "Comment held as spam", "comments/email/spam_notice.txt"
        addresses = moderator_addresses(comment_notices__held_spam=True)
        context["notices_url"] = absolute(reverse("admin:comments_comment_email_notices"))
    else:
        kind, subject, template = Kind.MODERATOR_NOTICE, "New comment to review", "comments/email/moderator_notice.txt"
        addresses = moderator_addresses()
    subject = f"{subject} on “{comment.article.title}”"
    body = render_to_string(template, context)
    # One message per moderator, so no moderator learns another's address.
    for address in addresses:
        emails.enqueue(kind=kind, about=comment, to=address, subject=subject, body=body)


def notify_commenter(comment, *, not_before):
    """The commenter's "published" email, once, if they asked for it."""
    if not (settings.COMMENTS_EMAILS and comment.notify_on_publish and comment.publication_notice_sent_at is None):
        return
    context = {"comment": comment, "comment_url": absolute(comment.get_absolute_url())}
    emails.enqueue(
        kind=Kind.PUBLICATION_NOTICE,
        about=comment,
        to=comment.email,
        subject=f"Your comment on “{comment.article.title}” is published",
        body=render_to_string("comments/email/publication_notice.txt", context),
        not_before=not_before,
    )


def notify_replied_to(reply, *, not_before=None):
    """One email per published reply to each commenter it answers (the
    thread's first and the one replied to) who asked for it; never about
    their own reply, never to the author of a removed comment."""
    if not (settings.COMMENTS_EMAILS and reply.parent_id):
        return
    context = {"reply": reply, "reply_url": absolute(reply.get_absolute_url())}
    for answered in dict.fromkeys([reply.parent, reply.in_reply_to]):
        if not (answered and answered.notify_on_reply and answered.email and answered.status == Status.APPROVED):
            continue
        if reply.email_key == answered.email_key:
            continue
        emails.enqueue(
            kind=Kind.REPLY_NOTICE,
            about=reply,
            to=answered.email,
            subject=f"A reply to your comment on “{answered.article.title}”",
            body=render_to_string("comments/email/reply_notice.txt", {**context, "answered": answered}),
            not_before=not_before,
        )


def decision_made(comment, *, to, due):
    """The emails a moderation decision owes, due when its undo window closes (`due`)."""
    if to == Status.APPROVED:
        notify_commenter(comment, not_before=due)
        notify_replied_to(comment, not_before=due)


def text_corrected(comment):
    """A moderator corrected an approved comment: the emails announcing it
    that have not left yet are written again, so that none carries the text
    taken out (a reply notice quotes it) and the commenter's says it was edited."""
    due = comment.emails.unsent().filter(kind__in=DECISION_KINDS).aggregate(due=Max("due_at"))["due"]
    if due is not None:
        cancel_decision_emails(comment)
        decision_made(comment, to=Status.APPROVED, due=due)


def cancel_decision_emails(comment):
    """The undo hook: a decision taken back takes back its unsent emails."""
    return emails.cancel(about=comment, kinds=DECISION_KINDS)


def email_sent(email):
    """Registered with the outbox's sender (apps.py): the mail server took
    an email, and a notice about a comment is marked sent on the comment."""
    field = SENT_FIELDS.get(email.kind)
    if field and email.about_type == ContentType.objects.get_for_model(Comment):
        Comment.objects.filter(pk=email.about_id).update(**{field: email.sent_at})
