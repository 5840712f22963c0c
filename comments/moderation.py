"""Every change of a comment's status goes through moderate(), from the
queue's buttons, the admin's bulk actions, the change form and an undo alike,
so each one leaves the same record; every change of its text by a moderator
goes through correct(). The emails a change owes are written to the outbox in
the same transaction, with the thread's counts and the article page's version."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles import versions

from . import counts, notifications, text
from .models import Comment, Correction, ModerationDecision, Status


def receive(comment, *, spam_reasons, review_reasons=()):
    """Store a reader's new comment: held as spam with its reasons, or pending
    (with any reasons for a close look), and email the moderators who hear of it."""
    comment.status = Status.SPAM if spam_reasons else Status.PENDING
    comment.spam_reasons = "\n".join([*spam_reasons, *review_reasons])
    # Inside submit()'s transaction a savepoint would only cost two statements:
    # a failure here fails the whole submission anyway.
    with transaction.atomic(savepoint=False):
        comment.save()
        counts.status_changed(comment, was=None)
        notifications.notify_moderators(comment)
    return comment


def moderate(comment, *, to, by):
    """Move a comment to status `to`, recording who and when. Returns the
    decision, or None if the comment already had that status."""
    now = timezone.now()
    with transaction.atomic():
        # Read again, locked: of two moderators deciding at the same moment,
        # the second waits for the first and moves the comment from the status
        # the first left, so the counts move from where it really was.
        was = comment.status = Comment.objects.select_for_update().values_list("status", flat=True).get(pk=comment.pk)
        if was == to:
            return None
        decision = ModerationDecision.objects.create(comment=comment, from_status=was, to_status=to, by=by, at=now)
        if was == Status.APPROVED:
            # Taken back (an undo, or a later change of mind): the emails
            # announcing it that have not left yet never will.
            notifications.cancel_decision_emails(comment)
        comment.status, comment.moderated_at, comment.moderated_by = to, now, by
        comment.save(update_fields=("status", "moderated_at", "moderated_by"))
        counts.status_changed(comment, was=was)
        counts.thread_changed(comment)
        versions.moved(comment.article_id, comments=True)
        notifications.decision_made(comment, to=to, due=undo_deadline(decision))
    return decision


def correct(comment, *, body, by):
    """Replace a comment's text with a moderator's correction (a phone number
    or a shop's link taken out), keeping the text it had in a Correction.
    The body must pass the reader's checks (forms.clean_correction). Returns the
    correction, or None if the text is unchanged."""
    body = text.normalise(body)
    if body == comment.body:
        return None
    now = timezone.now()
    with transaction.atomic():
        correction = Correction.objects.create(comment=comment, original_body=comment.body, by=by, at=now)
        comment.body, comment.edited_at, comment.edited_by = body, now, by
        comment.save(update_fields=("body", "edited_at", "edited_by"))
        if comment.status == Status.APPROVED:
            versions.moved(comment.article_id, comments=True)
            notifications.text_corrected(comment)
    return correction


def delete(comments):
    """Delete `comments` (a queryset) outright, with their decisions: the
    admin's delete, and erasure (privacy.py). Their threads are counted again
    and their articles' pages move. Returns how many comments went."""
    with transaction.atomic():
        articles = set(comments.values_list("article_id", flat=True))
        deleted = counts.delete(comments)
        for article in articles:
            versions.moved(article, comments=True)
    return deleted


class CannotUndo(Exception):
    """The decision is no longer the comment's latest, or its undo window has closed."""


def undo_deadline(decision):
    return decision.at + timedelta(seconds=settings.MODERATION_UNDO_SECONDS)


def undo(decision, *, by):
    """Take back the latest decision on a comment within its undo window,
    itself a decision (recorded like any other). Raises CannotUndo."""
    comment = decision.comment
    if comment.decisions.order_by("-at", "-pk").first() != decision or comment.status != decision.to_status:
        raise CannotUndo("The comment has been moderated again since; change its status instead.")
    if timezone.now() > undo_deadline(decision):
        raise CannotUndo("It is too late to undo this; change the comment's status instead.")
    return moderate(comment, to=decision.from_status, by=by)


def undo_many(decisions, *, by):
    """Take back each of `decisions` (a bulk action's) that undo() still can,
    in one transaction; the others stay as they are. Returns the decisions
    made by undoing and the refused ones, each with undo()'s reason."""
    undone, refused = [], []
    with transaction.atomic():
        for decision in decisions:
            try:
                undone.append(undo(decision, by=by))
            except CannotUndo as refusal:
                refused.append((decision, str(refusal)))
    return undone, refused


def approve(comment, *, by):
    return moderate(comment, to=Status.APPROVED, by=by)


def reject(comment, *, by):
    return moderate(comment, to=Status.REJECTED, by=by)


def mark_spam(comment, *, by):
    return moderate(comment, to=Status.SPAM, by=by)


def return_to_pending(comment, *, by):
    return moderate(comment, to=Status.PENDING, by=by)
