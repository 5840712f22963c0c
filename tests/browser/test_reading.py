"""A reader finds their way around the article in a real browser."""

import pytest
from playwright.sync_api import expect


def test_article_loads_its_styles_from_the_site_itself_and_nothing_from_other_hosts(open_page, site):
    requests = []
    page = open_page("/")
    page.on("request", lambda request: requests.append(request.url))
    page.reload()
    assert requests and all(url.startswith(site.url) for url in requests)
    # Without the stylesheet the page would be the browser's transparent default.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"


@pytest.mark.parametrize(
    ("color_scheme", "width"), [("light", 1280), ("light", 375), ("light", 320), ("dark", 1280), ("dark", 375)]
)
def test_top_of_the_article_shows_its_title_and_first_words_without_sideways_scrolling(
    open_page, screenshot, loaded_article, color_scheme, width
):
    page = open_page("/", color_scheme=color_scheme, width=width)
    expect(page.get_by_role("heading", level=1)).to_have_text(loaded_article.title)
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    expect(page.locator(".article__section p").first).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"article-top-{width}-{color_scheme}")


def test_printed_article_leaves_out_the_navigation_and_comment_form_but_shows_the_whole_chart(open_page, dosing_chart):
    page = open_page("/")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="On this page")).to_be_hidden()
    expect(page.locator("#comment-form")).to_be_hidden()
    expect(page.get_by_role("complementary", name="Educational disclaimer")).to_be_visible()

    chart = open_page(dosing_chart.get_absolute_url(), width=375)
    chart.emulate_media(media="print")
    assert chart.locator(".table-scroll").evaluate("box => getComputedStyle(box).overflowX") == "visible"
