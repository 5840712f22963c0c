"""Replies are one level deep: a reply's parent is always a top-level comment,
and answering a reply adds to the same thread (in_reply_to keeps whom it
answers). Readers' replies go through the same form, checks and moderation
as any comment; the site team's are published at once."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles import versions

from . import counts, moderation, notifications
from .models import SITE_TEAM_NAME, Comment, Status


def thread_of(comment):
    return comment.parent or comment


def thread_page(thread):
    """The number of the page of its article's comments that holds `thread`,
    counted from the oldest page, in the index of the article's threads alone."""
    earlier = Comment.objects.filter(article_id=thread.article_id).threads().earlier_than(thread)
    return earlier.count() // settings.COMMENTS_PER_PAGE + 1


def place(reply, *, answering):
    """Put a new comment in `answering`'s thread."""
    reply.in_reply_to = answering
    reply.parent = thread_of(answering)


def reply_as_site(comment, *, body, by):
    """Publish the site team's reply to an approved comment, signed as the
    site, recording which staff member wrote it."""
    if comment.status != Status.APPROVED:
        raise ValueError("Only a published comment can be answered; approve it first.")
    now = timezone.now()
    reply = Comment(
        article=comment.article,
        name=SITE_TEAM_NAME,
        body=body,
        status=Status.APPROVED,
        by_site_team=True,
        author=by,
        moderated_at=now,
        moderated_by=by,
    )
    place(reply, answering=comment)
    with transaction.atomic():
        reply.save()
        counts.status_changed(reply, was=None)
        counts.thread_changed(reply)
        versions.moved(reply.article_id, comments=True)
        notifications.notify_replied_to(reply)  # due at once: a site reply has no undo window
    return reply


def approve_and_reply(comment, *, body, by):
    """A moderator's one step from the queue: publish a comment and answer it."""
    with transaction.atomic():
        moderation.approve(comment, by=by)
        return reply_as_site(comment, body=body, by=by)
