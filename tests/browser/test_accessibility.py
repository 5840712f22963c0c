"""axe-core finds no accessibility problems, at any impact level, in either colour scheme or width."""

import pytest
from playwright.sync_api import expect

SCHEMES_AND_WIDTHS = pytest.mark.parametrize(
    ("color_scheme", "width"),
    [("light", 1280), ("light", 375), ("dark", 1280), ("dark", 375)],
)


@SCHEMES_AND_WIDTHS
def test_article_with_its_warning_callout_is_accessible(open_page, assert_accessible, color_scheme, width):
    page = open_page("/", color_scheme=color_scheme, width=width)
    expect(page.get_by_role("note")).to_contain_text("seek urgent medical attention")
    assert_accessible(page)


@SCHEMES_AND_WIDTHS
def test_dosing_chart_is_accessible(open_page, assert_accessible, screenshot, dosing_chart, color_scheme, width):
    page = open_page(dosing_chart.get_absolute_url(), color_scheme=color_scheme, width=width)
    screenshot(page, f"dosing-chart-{width}-{color_scheme}")
    assert_accessible(page)


@SCHEMES_AND_WIDTHS
def test_page_not_found_is_accessible(open_page, assert_accessible, color_scheme, width):
    page = open_page("/no-such-page/", color_scheme=color_scheme, width=width)
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page)


@SCHEMES_AND_WIDTHS
def test_comment_form_showing_errors_is_accessible(
    open_page, fill_comment, assert_accessible, screenshot, color_scheme, width
):
    page = open_page("/", color_scheme=color_scheme, width=width)
    fill_comment(page, "z" * 2001, email="not an address")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#error-summary")).to_be_focused()
    screenshot(page, f"comment-errors-page-{width}-{color_scheme}")
    assert_accessible(page)


@SCHEMES_AND_WIDTHS
def test_thank_you_message_is_accessible(open_page, fill_comment, assert_accessible, screenshot, color_scheme, width):
    page = open_page("/", color_scheme=color_scheme, width=width)
    fill_comment(page, "A kind and careful article.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("will appear after review")
    screenshot(page, f"comment-thank-you-{width}-{color_scheme}")
    assert_accessible(page)


@SCHEMES_AND_WIDTHS
def test_the_article_editor_with_a_section_open_is_accessible(
    admin_page, editor, loaded_article, assert_accessible, screenshot, color_scheme, width
):
    page = admin_page(editor, color_scheme=color_scheme, width=width)
    page.goto(f"/admin/articles/article/{loaded_article.pk}/change/")
    page.locator(".section-outline a").nth(2).click()
    expect(page.locator(".has_original details.section-fold[open]")).to_have_count(1)
    screenshot(page, f"article-editor-{width}-{color_scheme}")
    assert_accessible(page)
