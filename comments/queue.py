"""What the moderation queue's pages, its buttons and its undo offer share:
where a moderator goes next and the decision they may still take back."""

from django.db.models import Q
from django.urls import reverse

from .models import Comment

# The session key under which a moderator's latest decision waits for its undo.
LAST_DECISION = "comments.last_decision"


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


def remember_decision(request, decision):
    """The moderator's latest decision, offered for undo on the next page."""
    if decision is not None:
        request.session[LAST_DECISION] = decision.pk


def forget_decision(request):
    request.session.pop(LAST_DECISION, None)
