"""Every change of a comment's status goes through moderate(), from the
queue's buttons, the admin's bulk actions, the change form and an undo alike,
so each one leaves the same record."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import notifications
from .models import Comment, ModerationDecision, Status


def receive(comment, *, spam_reasons):
    """Store a reader's new comment: held as spam with its reasons, or pending
    with an email to the moderators once it is safely saved."""
    if spam_reasons:
        comment.status = Status.SPAM
        comment.spam_reasons = "\n".join(spam_reasons)
    else:
        comment.status = Status.PENDING
    with transaction.atomic():
        comment.save()
        if comment.status == Status.PENDING:
            transaction.on_commit(partial(notifications.notify_moderators, comment))
    return comment


def moderate(comment, *, to, by):
    """Move a comment to status `to`, recording who and when. Returns the
    decision, or None if the comment already had that status."""
    if comment.status == to:
        return None
    now = timezone.now()
    with transaction.atomic():
        decision = ModerationDecision.objects.create(
            comment=comment, from_status=comment.status, to_status=to, by=by, at=now
        )
        comment.status, comment.moderated_at, comment.moderated_by = to, now, by
        comment.save(update_fields=("status", "moderated_at", "moderated_by"))
        if to == Status.APPROVED and _claim_publication_notice(comment, now):
            # Not before the undo window has closed, and only if the
            # approval still stands then.
            transaction.on_commit(
                partial(notifications.after_undo_window, notifications.notify_commenter_if_approved, comment.pk)
            )
    return decision


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


def _claim_publication_notice(comment, now):
    # The conditional update lets exactly one approval send the notice, however
    # often the comment goes back and forth.
    unsent = Comment.objects.filter(pk=comment.pk, notify_on_publish=True, publication_notice_sent_at=None)
    return unsent.update(publication_notice_sent_at=now) == 1


def approve(comment, *, by):
    return moderate(comment, to=Status.APPROVED, by=by)


def reject(comment, *, by):
    return moderate(comment, to=Status.REJECTED, by=by)


def mark_spam(comment, *, by):
    return moderate(comment, to=Status.SPAM, by=by)


def return_to_pending(comment, *, by):
    return moderate(comment, to=Status.PENDING, by=by)
