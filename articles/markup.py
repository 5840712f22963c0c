"""Editors' Markdown to safe HTML: render, refuse, sanitise.

render_markdown(source) is the whole pipeline, used on save and by anything
that previews a section. markdown-it-py parses the source; every construct
outside the Markdown sections support (SUPPORTED_MARKDOWN) is refused with
the line it is on and what to write instead, rather than rendered and then
quietly flattened; what is accepted is rendered and then sanitised with nh3
(Ammonia), which has the last word on what reaches a page. For an accepted
source the sanitiser changes nothing: anything it would remove is refused
first.
"""

import re
from typing import NamedTuple

import nh3
from django.core.exceptions import ValidationError
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

SUPPORTED_MARKDOWN = (
    "Markdown: a blank line between paragraphs; **bold**, *italic*; “- ” for a list item, “1. ” for a "
    "numbered one (indent two spaces to nest); “### ” or “#### ” for a sub-heading; [text](https://…) for a "
    "link (https://, http://, mailto:, or /… for a page of this site); “> ” for a quotation; | pipes | for a "
    "table; “> [!WARNING]” on its own line, followed by “> ” lines, for urgent safety text. HTML, images, "
    "code, horizontal lines and “#” or “##” headings (the page's own) are refused with a note of what to "
    "write instead."
)

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "blockquote",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "div",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "div": {"aria-label"}, "td": {"data-label"}}
# The only <div>s are the scrolling box this module wraps around each table
# and the warning callout; the only classed <p> is the callout's title.
ALLOWED_ATTRIBUTE_VALUES = {
    "div": {"class": {"table-scroll", "callout callout--warning"}, "role": {"region", "note"}, "tabindex": {"0"}},
    "p": {"class": {"callout__title"}},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
CALLOUT_KIND = "WARNING"


class Problem(NamedTuple):
    line: int
    message: str


class MarkupRefused(ValidationError):
    """The source uses Markdown that sections do not support; nothing is rendered."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__([f"Line {p.line}: {p.message}" for p in problems], code="unsupported_markdown")


# Raw HTML is parsed, not escaped, so that it can be refused by name; every
# link reaches the check below, which refuses the ones that are not web, mail
# or site addresses instead of markdown-it leaving them as bracketed text.
_markdown = MarkdownIt("commonmark", {"html": True, "alerts": True}).enable("table")
_markdown.validateLink = lambda url: True


def _table_open(renderer, tokens, idx, options, env):
    # A wide table scrolls sideways inside its own box on a narrow screen. The
    # box takes keyboard focus so that it can be scrolled without a mouse, and
    # is named after the table's columns so that a screen reader says what it is.
    columns = []
    for token in tokens[idx:]:
        if token.type == "thead_close":
            break
        if token.type == "inline":
            # The words a reader sees, without the Markdown around them.
            columns.append("".join(child.content for child in token.children or () if child.type == "text"))
    env["table_columns"] = columns
    label = escapeHtml("Table: " + ", ".join(columns))
    return f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">\n<table>\n'


def _td_open(renderer, tokens, idx, options, env):
    # Each cell carries its column's name: on a phone, where each row is shown
    # as a card, the stylesheet writes it above the cell. (Alignment, the only
    # attribute markdown-it would put here, is refused before rendering.)
    position = 0
    for token in reversed(tokens[:idx]):
        if token.type == "tr_open":
            break
        position += token.type == "td_open"
    return f'<td data-label="{escapeHtml(env["table_columns"][position])}">'


def _table_close(renderer, tokens, idx, options, env):
    return "</table>\n</div>\n"


def _callout_open(renderer, tokens, idx, options, env):
    # A note, not an alert: the text is part of the page, not news; the title
    # ("Warning") is the first thing a screen reader reads inside it.
    return '<div class="callout callout--warning" role="note">\n'


def _callout_title_open(renderer, tokens, idx, options, env):
    return '<p class="callout__title">'


_markdown.add_render_rule("table_open", _table_open)
_markdown.add_render_rule("table_close", _table_close)
_markdown.add_render_rule("td_open", _td_open)
_markdown.add_render_rule("alert_open", _callout_open)
_markdown.add_render_rule("alert_title_open", _callout_title_open)


_HTML_INSTEAD = {
    "b": "**bold text**",
    "strong": "**bold text**",
    "i": "*italic text*",
    "em": "*italic text*",
    "a": "[link text](https://…)",
    "br": "two spaces at the end of a line (or a backslash) for a line break",
    "p": "a blank line between paragraphs",
    "ul": "“- ” at the start of each item",
    "ol": "“1. ” at the start of each item",
    "li": "“- ” at the start of the item",
    "h1": "“### ” for a sub-heading",
    "h2": "“### ” for a sub-heading",
    "h3": "“### ” for a sub-heading",
    "h4": "“#### ” for a minor sub-heading",
    "blockquote": "“> ” at the start of each line",
    "table": "a table of | pipes |",
    "img": "a link to the image, [what it shows](https://…)",
}
_HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_SITE_OR_FRAGMENT = re.compile(r"^(/(?!/)|#)")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _html_problem(content):
    tag = _HTML_TAG.match(content.strip())
    # Named by the tag alone, so an element's opening and closing tags on one
    # line make one problem.
    snippet = f"<{tag.group(1).lower()}>" if tag else content.strip().splitlines()[0][:40]
    instead = _HTML_INSTEAD.get(tag.group(1).lower()) if tag else None
    if instead:
        return f"HTML such as {snippet} is not allowed: write {instead} instead."
    return f"HTML such as {snippet} is not allowed: write the text in Markdown instead (to show “<” itself, write \\<)."


def _link_problem(href):
    if not href:
        return "A link needs an address: write [link text](https://…)."
    if _SITE_OR_FRAGMENT.match(href):
        return None
    scheme = _SCHEME.match(href)
    if scheme and scheme.group(1).lower() in ALLOWED_URL_SCHEMES:
        return None
    return (
        f"The link address “{href[:60]}” is not allowed: start it with https:// (or http:// or mailto:), "
        "or with / for a page of this site, or # for a place on this page."
    )


_HEADING_PROBLEMS = {
    "h1": "“#” headings are the page's own (the article's title): write “### ” for a sub-heading, "
    "or add a new section for a new main heading.",
    "h2": "“##” headings are the page's own (each section's heading): write “### ” for a sub-heading, "
    "or add a new section for a new main heading.",
    "h5": "“#####” headings are not used: write “#### ” for the smallest sub-heading.",
    "h6": "“######” headings are not used: write “#### ” for the smallest sub-heading.",
}
_UNDERLINE_HEADING = (
    "A line of “===” or “---” right under text turns that text into a heading the page keeps for itself: "
    "remove the line, or write “### ” before the text for a sub-heading."
)
_BLOCK_PROBLEMS = {
    "code_block": "A line indented by four spaces or more is shown as computer code, which articles do not use: "
    "remove the indentation (a nested list item needs two spaces).",
    "fence": "Three backticks (```) or tildes (~~~) start a block of computer code, which articles do not use: "
    "remove them.",
    "hr": "A line of only “---”, “***” or “___” draws a horizontal line, which articles do not use: "
    "remove it, or start a new section.",
}
_INLINE_PROBLEMS = {
    "image": "Images are not supported: describe what it shows in words, or link to it with "
    "[what it shows](https://…).",
    "code_inline": "Backticks (`) mark computer code, which articles do not use: remove them, or write \\` "
    "for a backtick shown as text.",
}
_ALIGNMENT = (
    "Colons in a table's dividing row (| :--- |) set column alignment, which the page does not use: "
    "write | --- | without colons."
)
_CALLOUT_KIND = (
    "Only the warning callout exists: write “> [!WARNING]” for urgent safety text, or “> ” alone for a quotation."
)

_BLOCK_TYPES = frozenset(
    {
        "paragraph_open",
        "paragraph_close",
        "heading_open",
        "heading_close",
        "bullet_list_open",
        "bullet_list_close",
        "ordered_list_open",
        "ordered_list_close",
        "list_item_open",
        "list_item_close",
        "blockquote_open",
        "blockquote_close",
        "table_open",
        "table_close",
        "thead_open",
        "thead_close",
        "tbody_open",
        "tbody_close",
        "tr_open",
        "tr_close",
        "th_open",
        "th_close",
        "td_open",
        "td_close",
        "alert_open",
        "alert_close",
        "alert_title_open",
        "alert_title_close",
        "inline",
    }
)
_INLINE_TYPES = frozenset(
    {"text", "softbreak", "hardbreak", "em_open", "em_close", "strong_open", "strong_close", "link_open", "link_close"}
)


def _inline_problems(token, line):
    problems = []
    children = token.children or []
    for index, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "html_inline":
            problems.append(Problem(line, _html_problem(child.content)))
        elif child.type in _INLINE_PROBLEMS:
            problems.append(Problem(line, _INLINE_PROBLEMS[child.type]))
        elif child.type == "link_open":
            if message := _link_problem(child.attrGet("href") or ""):
                problems.append(Problem(line, message))
            elif index + 1 < len(children) and children[index + 1].type == "link_close":
                problems.append(Problem(line, "A link needs words to click: write [what it leads to](…)."))
        elif child.type not in _INLINE_TYPES:
            problems.append(Problem(line, f"“{child.markup or child.content}” is not supported here."))
    return problems


def _aligned(table_tokens):
    for token in table_tokens:
        if token.type == "thead_close":
            return False
        if token.type == "th_open" and token.attrGet("style"):
            return True
    return False


def check(tokens):
    """Every construct outside what sections support, with its line (from 1)."""
    problems, line = [], 1
    for index, token in enumerate(tokens):
        if token.map:
            line = token.map[0] + 1
        if token.type == "inline":
            problems += _inline_problems(token, line)
        elif token.type == "html_block":
            problems.append(Problem(line, _html_problem(token.content)))
        elif token.type in _BLOCK_PROBLEMS:
            problems.append(Problem(line, _BLOCK_PROBLEMS[token.type]))
        elif token.type == "heading_open" and token.markup in ("=", "-"):
            problems.append(Problem(line, _UNDERLINE_HEADING))
        elif token.type == "heading_open" and token.tag in _HEADING_PROBLEMS:
            problems.append(Problem(line, _HEADING_PROBLEMS[token.tag]))
        elif token.type == "table_open" and _aligned(tokens[index:]):
            # The colons are on the dividing row, the table's second line.
            problems.append(Problem(line + 1, _ALIGNMENT))
        elif token.type == "alert_open" and token.meta.get("kind", "").upper() != CALLOUT_KIND:
            problems.append(Problem(line, _CALLOUT_KIND))
        elif token.type not in _BLOCK_TYPES:
            problems.append(Problem(line, f"“{token.markup or token.type}” is not supported here."))
    # One report per problem and line, in order.
    return list(dict.fromkeys(problems))


def render_unchecked(source):
    """markdown-it's HTML for the source, neither checked nor sanitised (for tests of the later steps)."""
    return _markdown.render(source)


def sanitise(html):
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=None,
    )


def render_markdown(source):
    """Safe HTML for a section body, or MarkupRefused listing (line, message) problems."""
    env = {}
    tokens = _markdown.parse(source, env)
    if problems := check(tokens):
        raise MarkupRefused(problems)
    return sanitise(_markdown.renderer.render(tokens, _markdown.options, env))
