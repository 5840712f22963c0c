"""One pipeline for editors' Markdown: what sections support renders; the rest is refused, never flattened;
nothing an editor types can inject script, styling or frames into the page."""

import re
from urllib.parse import urlsplit

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.markup import MarkupRefused, render_markdown, render_unchecked, sanitise


def elements(html):
    return list(html5lib.parse(html, namespaceHTMLElements=False).iter())


def attributes(html):
    return [(name.lower(), value) for element in elements(html) for name, value in element.attrib.items()]


def same_document(one, other):
    """Equal as HTML: the same elements, attributes and text, however each was spelled."""

    def canonical(html):
        fragment = html5lib.parseFragment(html, namespaceHTMLElements=False)
        return html5lib.serialize(fragment, alphabetical_attributes=True, quote_attr_values="always")

    return canonical(one) == canonical(other)


def problems(source):
    with pytest.raises(MarkupRefused) as refused:
        render_markdown(source)
    return refused.value.problems


ATTACKS = [
    "<script>alert(1)</script>",
    "<svg><script>alert(1)</script></svg>",
    '<img src="x" onerror="alert(1)">',
    '<p onclick="alert(1)">hi</p>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<p style="color:red">x</p>',
    '<iframe src="https://example.com"></iframe>',
    "![x](https://example.com/x.png)",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_an_attack_is_refused_before_anything_is_rendered(source):
    assert problems(source)


@pytest.mark.parametrize("source", ATTACKS)
def test_sanitiser_leaves_no_script_frame_style_or_image_element(source):
    tags = {element.tag for element in elements(sanitise(render_unchecked(source)))}
    assert not tags & {"script", "iframe", "style", "svg", "img", "object", "embed"}


@pytest.mark.parametrize("source", ATTACKS)
def test_sanitiser_leaves_no_event_handler_or_style_attribute(source):
    names = {name for name, _ in attributes(sanitise(render_unchecked(source)))}
    assert not {name for name in names if name.startswith("on") or name == "style"}


# Links that survive into the HTML, so the scheme check below has one to read.
LINK_ATTACKS = [
    "[click](java&#x09;script:alert(1))",
    "[click](%6Aavascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="https://example.org/">x</a>',
]


def unsafe_urls(html):
    # Browsers drop tabs and newlines anywhere in a URL before reading its scheme.
    urls = [re.sub(r"[\x00-\x20]", "", value) for _, value in attributes(html)]
    return [url for url in urls if urlsplit(url).scheme not in {"", "http", "https", "mailto"}]


def markdown_then_sanitise(source):
    return sanitise(render_unchecked(source))


@pytest.mark.parametrize("source", ATTACKS + LINK_ATTACKS)
@pytest.mark.parametrize("clean", [markdown_then_sanitise, sanitise], ids=["markdown", "html"])
def test_sanitiser_leaves_only_web_and_mail_links(clean, source):
    assert unsafe_urls(clean(source)) == []


def test_the_link_check_finds_a_script_link():
    """The check above can fail: it sees a script link the sanitiser never let through."""
    assert unsafe_urls('<a href="java\tscript:alert(1)">x</a>') == ["javascript:alert(1)"]


def test_sanitiser_keeps_only_the_table_boxs_own_attributes_on_a_div():
    cleaned = sanitise('<div class="x" role="button" tabindex="5" aria-label="Table: a">y</div>')
    assert cleaned == '<div aria-label="Table: a">y</div>'


def test_sanitiser_strips_tags_outside_the_allowlist_from_html_given_directly():
    cleaned = sanitise('<p style="x" onclick="y">a<script>b</script><iframe></iframe><a href="javascript:z">c</a></p>')
    assert cleaned == "<p>a<a>c</a></p>"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("**bold** and *italic*", "<strong>bold</strong> and <em>italic</em>"),
        ("- one\n  - nested", "<li>one\n<ul>\n<li>nested</li>"),
        ("1. first", "<ol>\n<li>first</li>"),
        ("3. third", '<ol start="3">\n<li>third</li>'),
        ("### Sub-heading", "<h3>Sub-heading</h3>"),
        ("#### Minor heading", "<h4>Minor heading</h4>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>"),
        ("[site](https://example.org/)", '<a href="https://example.org/">site</a>'),
        ('[site](https://example.org/ "About")', '<a href="https://example.org/" title="About">site</a>'),
        ("[mail](mailto:a@example.org)", '<a href="mailto:a@example.org">mail</a>'),
        ("[chart](/articles/chart/#dose)", '<a href="/articles/chart/#dose">chart</a>'),
        ("[below](#side-effects)", '<a href="#side-effects">below</a>'),
        ("<https://example.org/>", '<a href="https://example.org/">https://example.org/</a>'),
        ("line one  \nline two", "line one<br>"),
        ("line one\\\nline two", "line one<br>"),
        ("| a | b |\n| - | - |\n| 1 | 2 |", "<table>\n<thead>\n<tr>\n<th>a</th>"),
        ("a < b & c", "<p>a &lt; b &amp; c</p>"),
        ("\\<b\\> shown as text", "<p>&lt;b&gt; shown as text</p>"),
    ],
)
def test_supported_markdown_renders(source, expected):
    assert expected in render_markdown(source)


def test_a_table_scrolls_in_a_keyboard_focusable_region_named_after_its_columns():
    html = render_markdown("| Setting | Dose \\<b\\> |\n| - | - |\n| a | b |")
    assert html.startswith(
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Table: Setting, Dose &lt;b&gt;">\n<table>'
    )
    assert html.endswith("</table>\n</div>\n")


def test_a_warning_callout_is_a_note_titled_warning():
    html = render_markdown("> [!WARNING]\n> Stop and seek urgent medical attention.")
    assert html == (
        '<div class="callout callout--warning" role="note">\n<p class="callout__title">Warning</p>\n'
        "<p>Stop and seek urgent medical attention.</p>\n</div>\n"
    )


# Each refused construct, the line it is on, and words the message must use to say what to write instead.
REFUSED = [
    ("# Title", 1, "### "),
    ("Intro.\n\n## Warning signs", 3, "### "),
    ("Warning signs\n=============", 1, "### "),
    ("Warning signs\n-------------", 1, "### "),
    ("##### Tiny", 1, "#### "),
    ("###### Tinier", 1, "#### "),
    ("Read <b>below</b>.", 1, "**bold text**"),
    ("One\ntwo <i>three</i>", 2, "*italic text*"),
    ("Break<br>here", 1, "line break"),
    ('<a href="https://example.org">x</a>', 1, "[link text](https://…)"),
    ("<div>\nblock\n</div>", 1, "Markdown"),
    ("<!-- a note -->", 1, "Markdown"),
    ("Text.\n\n![A chart](https://example.org/chart.png)", 3, "[what it shows](https://…)"),
    ("Text.\n\n    indented", 3, "remove the indentation"),
    ("```\ncode\n```", 1, "remove them"),
    ("Use `code` here", 1, "remove them"),
    ("Above\n\n---\n\nBelow", 3, "remove it"),
    ("[click](javascript:alert(1))", 1, "https://"),
    ("[page](page.html)", 1, "https://"),
    ("[ftp](ftp://example.org/file)", 1, "https://"),
    ("[](https://example.org/)", 1, "[what it leads to]"),
    ("| a | b |\n| :-- | --: |\n| 1 | 2 |", 2, "| --- |"),
    ("> [!NOTE]\n> Just so you know.", 1, "> [!WARNING]"),
    ("> [!CAUTION]\n> Careful.", 1, "> [!WARNING]"),
]


@pytest.mark.parametrize("source, line, instead", REFUSED)
def test_unsupported_markdown_is_refused_naming_the_line_and_what_to_write_instead(source, line, instead):
    [problem] = problems(source)
    assert problem.line == line
    assert instead in problem.message


def test_every_problem_is_reported_at_once_in_line_order():
    found = problems("## One\n\nFine text.\n\n<b>two</b>\n\n![three](https://example.org/3.png)")
    assert [p.line for p in found] == [1, 5, 7]


def test_the_refusal_is_a_validation_error_with_one_message_per_problem():
    with pytest.raises(MarkupRefused) as refused:
        render_markdown("## One\n\n<b>two</b>")
    assert refused.value.messages[0].startswith("Line 1: ")
    assert refused.value.messages[1].startswith("Line 3: HTML such as <b> is not allowed")


CORPUS = [
    "**bold** and *italic*",
    "- one\n  - nested\n- two",
    "3. three\n4. four",
    "### Sub\n\n#### Minor\n\nText & more “quotes” — dashes – and 1.6 mg.",
    "> quoted\n> lines",
    '[a](https://example.org/ "T") [b](/x/#y) [c](mailto:a@example.org) <https://example.org>',
    '| Setting | Dose |\n| --- | --- |\n| a "q" & <b | c |',
    "> [!WARNING]\n> Seek urgent medical attention.",
    "line  \nbreak\\\nagain &nbsp; &copy; &#169; \\* \\_",
]


def accepted(source):
    try:
        render_markdown(source)
    except MarkupRefused:
        return False
    return True


@pytest.mark.parametrize("source", CORPUS)
def test_the_sanitiser_changes_nothing_in_what_the_corpus_renders(source):
    assert accepted(source)
    assert same_document(render_markdown(source), render_unchecked(source))


def test_the_sanitiser_changes_nothing_in_any_loaded_section(loaded_article, dosing_chart):
    for article in (loaded_article, dosing_chart):
        for section in article.sections.all():
            assert same_document(section.body_html, render_unchecked(section.body)), section.heading


MARKDOWNISH = st.lists(
    st.sampled_from(list("ab1 .:\n\t#*_-+>|[]()!<>/&;`\\\"'=~") + ["https://x.org", "> [!WARNING]\n", "&amp;", "\n\n"]),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH)
def test_for_every_accepted_body_the_sanitiser_changes_nothing(source):
    if accepted(source):
        assert same_document(render_markdown(source), render_unchecked(source))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_either_rendered_or_refused_with_lines_inside_the_text(source):
    try:
        render_markdown(source)
    except MarkupRefused as refused:
        lines = len(re.split(r"\r\n|\r|\n", source))
        assert all(1 <= problem.line <= lines for problem in refused.problems)
