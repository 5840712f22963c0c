from django import template
from django.urls import reverse

from comments.models import MODERATE_PERMISSION, Comment

register = template.Library()


@register.inclusion_tag("comments/_pending_notice.html", takes_context=True)
def pending_comments_notice(context):
    """The size of the moderation queue, for those who can work through it."""
    if not context["request"].user.has_perm(MODERATE_PERMISSION):
        return {"count": None}
    return {
        "count": Comment.objects.pending().count(),
        "queue_url": reverse("admin:comments_comment_changelist") + "?status__exact=pending",
    }
