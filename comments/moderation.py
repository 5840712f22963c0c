"""Every change of a comment's status goes through moderate(), from the admin's
bulk actions and its change form alike, so each one leaves the same record."""

from functools import partial

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
            transaction.on_commit(partial(notifications.notify_commenter, comment))
    return decision


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
