"""Markdown to safe HTML for editor-written section bodies."""

import bleach
from markdown_it import MarkdownIt

# Raw HTML is off in the parser, and bleach has the last word anyway: what
# leaves here is only the markup an article needs.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h3", "h4", "ul", "ol", "li", "strong", "em", "blockquote", "a",
        "table", "caption", "thead", "tbody", "tr", "th", "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["scope", "colspan", "rowspan"], "td": ["colspan", "rowspan"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def sanitise(html):
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )


def render_markdown(source):
    return sanitise(_markdown.render(source))
