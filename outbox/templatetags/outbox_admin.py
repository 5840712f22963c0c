from django import template

from outbox import sender
from outbox.models import VIEW_PERMISSION

register = template.Library()


@register.inclusion_tag("outbox/_status.html", takes_context=True)
def mail_worker_status(context):
    """Whether the mail sender runs and what waits or has failed, for those who may see the outbox."""
    if not context["request"].user.has_perm(VIEW_PERMISSION):
        return {"status": None}
    return {"status": sender.status()}
