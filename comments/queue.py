"""What the moderation queue's pages, its buttons and its undo offer share:
where a moderator goes next and the decisions they may still take back."""

from django.db.models import Q
from django.urls import reverse

from .models import Comment, Status

# The session key under which a moderator's latest decisions (one, or a bulk
# action's) wait for their undo, with the words that tell of them.
UNDO_OFFER = "comments.undo_offer"

DONE = {
    Status.APPROVED: "Approved",
    Status.REJECTED: "Rejected",
    Status.SPAM: "Marked as spam",
    Status.PENDING: "Put back to pending",
}


def next_pending_url(comment):
    """The next pending comment after this one, oldest first, else the oldest pending, else the queue."""
    pending = Comment.objects.pending().exclude(pk=comment.pk).order_by("created_at", "pk")
    following = pending.filter(
        Q(created_at__gt=comment.created_at) | Q(created_at=comment.created_at, pk__gt=comment.pk)
    )
    target = following.first() or pending.first()
    if target is None:
        return reverse("admin:comments_comment_changelist")
    return reverse("admin:comments_comment_change", args=[target.pk])


def remember_decisions(request, decisions, message, *, shown=False):
    """The moderator's latest decisions, offered for undo on the next pages as
    the success message `message` while their window is open, and told once
    even when it closed first; `shown` when the queue's script has told it
    already. Nothing when no decision was made."""
    if decisions:
        request.session[UNDO_OFFER] = {
            "decisions": [decision.pk for decision in decisions],
            "message": message,
            "shown": shown,
        }


def forget_decisions(request):
    request.session.pop(UNDO_OFFER, None)


def how_many(count):
    return f"{count} comment{'s' if count != 1 else ''}"
