import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The characters that could end a <script> element or an HTML comment early.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """schema.org MedicalWebPage data for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "url": context["canonical_url"],
        "inLanguage": "en",
        "dateCreated": article.created_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "audience": {"@type": "Audience", "audienceType": "General public"},
    }
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
