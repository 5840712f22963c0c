"""Nothing an editor types can inject script, styling or frames into the page."""

import re
from urllib.parse import urlsplit

import html5lib
import pytest

from articles.markup import render_markdown, sanitise


def elements(html):
    return list(html5lib.parse(html, namespaceHTMLElements=False).iter())


def attributes(html):
    return [(name.lower(), value) for element in elements(html) for name, value in element.attrib.items()]


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
def test_sanitiser_leaves_no_script_frame_style_or_image_element(source):
    tags = {element.tag for element in elements(render_markdown(source))}
    assert not tags & {"script", "iframe", "style", "svg", "img", "object", "embed"}


@pytest.mark.parametrize("source", ATTACKS)
def test_sanitiser_leaves_no_event_handler_or_style_attribute(source):
    names = {name for name, _ in attributes(render_markdown(source))}
    assert not {name for name in names if name.startswith("on") or name == "style"}


@pytest.mark.parametrize("source", ATTACKS)
def test_sanitiser_leaves_only_web_and_mail_links(source):
    for name, value in attributes(render_markdown(source)):
        # Browsers drop tabs and newlines anywhere in a URL before reading its scheme.
        url = re.sub(r"[\x00-\x20]", "", value)
        assert urlsplit(url).scheme in {"", "http", "https", "mailto"}


def test_sanitiser_keeps_only_the_table_boxs_own_attributes_on_a_div():
    cleaned = sanitise('<div class="x" role="button" tabindex="5" aria-label="Table: a">y</div>')
    assert cleaned == '<div aria-label="Table: a">y</div>'


def test_sanitiser_strips_tags_outside_the_allowlist_from_html_given_directly():
    cleaned = sanitise('<p style="x" onclick="y">a<script>b</script><iframe></iframe><a href="javascript:z">c</a></p>')
    assert cleaned == "<p>ab<a>c</a></p>"


def test_raw_html_from_an_editor_is_shown_as_text_not_markup():
    assert "&lt;script&gt;" in render_markdown("<script>alert(1)</script>")


@pytest.mark.parametrize(
    "source, expected",
    [
        ("**bold** and *italic*", "<strong>bold</strong> and <em>italic</em>"),
        ("- one\n  - nested", "<li>one\n<ul>\n<li>nested</li>"),
        ("1. first", "<ol>\n<li>first</li>"),
        ("### Sub-heading", "<h3>Sub-heading</h3>"),
        ("#### Minor heading", "<h4>Minor heading</h4>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>"),
        ("[site](https://example.org/)", '<a href="https://example.org/">site</a>'),
        ("[mail](mailto:a@example.org)", '<a href="mailto:a@example.org">mail</a>'),
        ("[chart](/articles/chart/#dose)", '<a href="/articles/chart/#dose">chart</a>'),
        ("line one  \nline two", "line one<br>"),
        ("| a | b |\n| - | - |\n| 1 | 2 |", "<table>\n<thead>\n<tr>\n<th>a</th>"),
    ],
)
def test_allowed_markup_survives(source, expected):
    assert expected in render_markdown(source)


def test_a_table_scrolls_in_a_keyboard_focusable_region_named_after_its_columns():
    html = render_markdown("| Setting | Dose <b> |\n| - | - |\n| a | b |")
    assert html.startswith(
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Table: Setting, Dose &lt;b&gt;">\n<table>'
    )
    assert html.endswith("</table>\n</div>\n")
