"""What an editor sees before publishing: the draft as the article page will
show it, and one section rendered while it is being written."""

import copy

from django.template.response import TemplateResponse
from django.utils import timezone

from web.responses import private

from . import drafts
from .markup import MarkupRefused, render_markdown
from .models import DraftSection, normalise_newlines

# The body box can hold a whole article; the preview of one is plenty.
MAX_PREVIEW_CHARS = 200_000


def draft_article(article):
    """A copy of the article (never saved) saying what the draft says, as publishing it now
    would, and the draft's sections: what the article page's renderer
    (pages/) shows as the preview."""
    draft = drafts.draft_of(article)
    preview = copy.copy(article)  # every other field (dates, reviews) as published
    for name in drafts.ARTICLE_FIELDS:
        setattr(preview, name, getattr(draft, name))
    preview.updated_at = timezone.now()
    return preview, list(article.draft_sections.all())


def rendered_section(heading, body):
    """One section as saving it would store it, or the refusals saving it would give:
    the context of _section_preview.html."""
    body = normalise_newlines(body[:MAX_PREVIEW_CHARS])
    context = {"heading": heading[: DraftSection._meta.get_field("heading").max_length]}
    try:
        context["body_html"] = render_markdown(body)
    except MarkupRefused as refused:
        context["refusals"] = refused.messages
    return context


def section_preview(request):
    context = rendered_section(request.POST.get("heading", ""), request.POST.get("body", ""))
    return private(TemplateResponse(request, "admin/articles/article/_section_preview.html", context))
