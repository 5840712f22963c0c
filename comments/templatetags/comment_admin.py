from django import template
from django.urls import reverse
from django.utils import timezone

from comments.models import MODERATE_PERMISSION, Comment, ModerationDecision
from comments.moderation import undo_deadline

register = template.Library()

# The session key under which the admin keeps a moderator's latest decision.
LAST_DECISION = "comments.last_decision"


@register.inclusion_tag("comments/_pending_badge.html", takes_context=True)
def pending_comments_badge(context):
    """The size of the moderation queue, on every admin page, for those who can work through it."""
    request = context.get("request")
    if request is None or not request.user.has_perm(MODERATE_PERMISSION):
        return {"count": None}
    return {"count": Comment.objects.pending().count(), "queue_url": reverse("admin:comments_comment_changelist")}


@register.inclusion_tag("comments/_undo_offer.html", takes_context=True)
def undo_offer(context):
    """An Undo button for the moderator's latest decision while its window is open: the way back without JavaScript."""
    request = context.get("request")
    if request is None or not request.user.has_perm(MODERATE_PERMISSION):
        return {}
    pk = request.session.get(LAST_DECISION)
    decision = (
        ModerationDecision.objects.select_related("comment").filter(pk=pk, by=request.user).first() if pk else None
    )
    if decision is None or timezone.now() > undo_deadline(decision):
        return {}
    return {
        "decision": decision,
        "deadline": undo_deadline(decision),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
