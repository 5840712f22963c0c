import json
import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from web.links import absolute

register = template.Library()

# A site-relative link as the sanitiser writes it (articles/markup.py): the
# href first, in double quotes, its value already escaped.
_SITE_LINK = re.compile(r'<a href="(/[^"]*)"')

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


@register.filter
def with_print_addresses(body_html):
    """Sanitised HTML whose links to this site also carry their absolute
    address, which the print stylesheet spells out: on paper a bare path
    leads nowhere, and the page's own host may be a development port."""
    return mark_safe(
        _SITE_LINK.sub(lambda link: f'<a href="{link[1]}" data-print-href="{escape(absolute(""))}{link[1]}"', body_html)
    )
