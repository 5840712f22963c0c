from django import template
from django.utils import timezone

from articles.models import Article
from articles.reviews import REVIEW_PERMISSION

register = template.Library()


@register.inclusion_tag("articles/_reviews_due_notice.html", takes_context=True)
def reviews_due_notice(context):
    """Articles readers can see whose review is due, for editors and reviewers."""
    user = context["request"].user
    if not (user.has_perm(REVIEW_PERMISSION) or user.has_perm("articles.change_article")):
        return {"articles": None}
    today = timezone.localdate()
    return {"articles": list(Article.objects.published().review_due(today).order_by("next_review_due", "title"))}
