"""Markdown to safe HTML for editor-written section bodies."""

import bleach
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

# Raw HTML is off in the parser, and bleach has the last word anyway: what
# leaves here is only the markup an article needs.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h3", "h4", "ul", "ol", "li", "strong", "em", "blockquote", "a",
        "table", "thead", "tbody", "tr", "th", "td", "div",
    }
)
# The only <div> is the scrolling box this module wraps around each table.
TABLE_BOX_ATTRIBUTES = {"class": "table-scroll", "role": "region", "tabindex": "0"}


def _allowed_div_attribute(tag, name, value):
    return TABLE_BOX_ATTRIBUTES.get(name) == value or name == "aria-label"


ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "div": _allowed_div_attribute}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def _table_open(renderer, tokens, idx, options, env):
    # A wide table scrolls sideways inside its own box on a narrow screen. The
    # box takes keyboard focus so that it can be scrolled without a mouse, and
    # is named after the table's columns so that a screen reader says what it is.
    columns = []
    for token in tokens[idx:]:
        if token.type == "thead_close":
            break
        if token.type == "inline":
            columns.append(token.content)
    label = escapeHtml("Table: " + ", ".join(columns))
    return f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">\n<table>\n'


def _table_close(renderer, tokens, idx, options, env):
    return "</table>\n</div>\n"


_markdown.add_render_rule("table_open", _table_open)
_markdown.add_render_rule("table_close", _table_close)


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
