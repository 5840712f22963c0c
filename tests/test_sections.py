"""A section is saved only as readers will see it: Markdown outside what sections support is refused,
and its anchor never takes an id the page uses for itself."""

import html
import re

import pytest
from article_form import PREFIX, form_data
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.markup import SUPPORTED_MARKDOWN, MarkupRefused
from articles.models import DraftSection, Section, is_reserved_anchor


@pytest.mark.parametrize(
    "body, message",
    [
        ("Intro.\n\n## Warning signs", "Line 3: “##” headings are the page's own"),
        ("Read <b>below</b>.", "Line 1: HTML such as <b> is not allowed: write **bold text** instead."),
        ("![A chart](https://example.org/c.png)", "Line 1: Images are not supported"),
    ],
)
def test_the_admin_refuses_unsupported_markdown_naming_the_line_and_saves_nothing(
    editor_client, section, body, message
):
    url = reverse("admin:articles_article_change", args=[section.article_id])
    response = editor_client.post(url, form_data(section.article, **{f"{PREFIX}-0-body": body}))
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert DraftSection.objects.get(key=section.key).body == "Some *text*."
    section.refresh_from_db()
    assert section.body == "Some *text*."


def test_the_body_field_explains_the_markdown_sections_support(editor_client, section):
    page = editor_client.get(reverse("admin:articles_article_change", args=[section.article_id])).content.decode()
    assert "“> [!WARNING]” on its own line" in html.unescape(page)
    assert Section._meta.get_field("body").help_text == SUPPORTED_MARKDOWN
    assert DraftSection._meta.get_field("body").help_text == SUPPORTED_MARKDOWN


def test_full_clean_reports_refused_markdown_on_the_body(section):
    section.body = "# A title"
    with pytest.raises(ValidationError) as refused:
        section.full_clean()
    assert refused.value.message_dict["body"][0].startswith("Line 1: ")


def test_saving_refused_markdown_by_code_stores_nothing(article):
    with pytest.raises(MarkupRefused):
        Section.objects.create(article=article, position=10, heading="Bad", body="<script>alert(1)</script>")
    assert not Section.objects.exists()


def test_a_heading_starting_with_a_reserved_prefix_gets_an_anchor_that_can_be_saved_again(article):
    section = Section.objects.create(article=article, position=10, heading="Comment policy", body="Be kind.")
    assert section.anchor == "section-comment-policy"
    section.body = "Be kind and brief."
    section.full_clean()
    section.save()


def test_a_heading_named_like_a_form_field_gets_an_anchor_outside_the_reserved_names(article):
    section = Section.objects.create(article=article, position=10, heading="id_name", body="")
    assert not is_reserved_anchor(section.anchor)


@pytest.mark.django_db
@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_no_heading_ever_gets_a_reserved_anchor(heading):
    section = Section(heading=heading)
    assert not is_reserved_anchor(section._free_anchor())


@pytest.fixture
def every_kind_of_page(client, busy_article, post_comment):
    """The article page in each state readers can see: comments with pagination, each page of them,
    the thank-you message, and the comment form showing its errors."""
    url = busy_article.get_absolute_url()
    pages = [client.get(url), client.get(url + "?page=1"), post_comment(name="", email="bad", body="")]
    assert post_comment().status_code == 302
    thanked = client.get(url)
    assert "will appear after review" in thanked.content.decode()
    pages.append(thanked)
    assert [page.status_code for page in pages] == [200, 200, 400, 200]
    return [page.content.decode() for page in pages]


def test_every_id_the_page_uses_for_itself_is_one_no_section_anchor_can_take(every_kind_of_page, busy_article):
    anchors = set(busy_article.sections.values_list("anchor", flat=True))
    own_ids = {id_ for page in every_kind_of_page for id_ in re.findall(r'\sid="([^"]+)"', page)} - anchors
    assert {"main", "comments", "error-summary", "id_body"} <= own_ids
    unreserved = sorted(id_ for id_ in own_ids if not is_reserved_anchor(id_))
    assert not unreserved, " ".join(unreserved)
