from django import template
from django.utils import timezone

from articles.models import Article
from articles.previews import rendered_section
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


@register.inclusion_tag("admin/articles/article/_section_preview.html")
def section_preview(form):
    """A section's preview as the editor opens it: as saved, or after a refused save what was refused."""
    if form.is_bound:
        return rendered_section(form["heading"].value() or "", form["body"].value() or "")
    return {"heading": form.instance.heading, "body_html": form.instance.body_html}


@register.simple_tag
def error_links(adminform, inline_admin_formsets):
    """Each error on the page as (the id of the field or section it is on, what to call it, the message)."""
    links = [
        (f"id_{name}", adminform.form.fields[name].label, message)
        for name, messages in adminform.form.errors.items()
        if name in adminform.form.fields and not adminform.form.fields[name].widget.is_hidden
        for message in messages
    ]
    for inline in inline_admin_formsets:
        formset = inline.formset
        links += [(f"{formset.prefix}-group", "Sections", message) for message in formset.non_form_errors()]
        for form in formset.forms:
            heading = getattr(form.instance, "heading", "") or form.data.get(f"{form.prefix}-heading", "")
            place = f"Section “{heading}”" if heading else "New section"
            for name, messages in form.errors.items():
                target = f"id_{form.prefix}-{name}" if name in form.fields else form.prefix
                what = f"{place}, {form.fields[name].label}" if name in form.fields else place
                links += [(target, what, message) for message in messages]
    return links
