"""On a phone the article's words come first and the contents are one tap away; on paper, what a reader needs."""

import re

from django.conf import settings
from playwright.sync_api import expect

PHONE = {"width": 375, "height": 667}


def test_on_a_phone_the_first_screen_holds_the_articles_first_words(open_page, screenshot, loaded_article):
    page = open_page("/", width=PHONE["width"])
    page.set_viewport_size(PHONE)
    first_words = page.locator(".article__section p").first
    expect(first_words).to_contain_text("Thymosin alpha 1 (often shortened to Tα1)")
    assert first_words.bounding_box()["y"] < PHONE["height"] - 40
    screenshot(page, "article-first-screen-375x667")


def test_the_disclaimers_first_sentence_is_on_the_first_screen_and_the_whole_disclaimer_at_the_end(
    open_page, loaded_article
):
    page = open_page("/", width=PHONE["width"])
    page.set_viewport_size(PHONE)
    first_sentence = loaded_article.disclaimer_first_sentence
    expect(page.locator("header.article__header").get_by_text(first_sentence, exact=True)).to_be_in_viewport()
    expect(page.get_by_role("complementary", name="Educational disclaimer")).to_have_text(loaded_article.disclaimer)


def test_on_a_phone_the_contents_open_with_one_tap_without_javascript_and_lead_to_the_comments(
    open_page, screenshot, loaded_article
):
    page = open_page("/", width=PHONE["width"], javascript=False)
    contents = page.get_by_role("navigation", name="On this page")
    expect(contents.get_by_role("link", name="Comments")).to_be_hidden()
    toggle = contents.locator("summary")
    expect(toggle).to_have_text("Show all parts of the page", use_inner_text=True)
    toggle.click()
    expect(toggle).to_have_text("Hide all parts of the page", use_inner_text=True)
    screenshot(contents, "article-contents-open-375")
    contents.get_by_role("link", name="Comments").click()
    expect(page).to_have_url(re.compile("#comments$"))
    expect(page.get_by_role("heading", name=re.compile("^Comments"))).to_be_in_viewport()


def test_on_a_wide_screen_the_contents_are_listed_after_the_lead_with_no_toggle(open_page, loaded_article):
    page = open_page("/", width=1280)
    contents = page.get_by_role("navigation", name="On this page")
    expect(contents.get_by_role("link")).to_have_count(loaded_article.sections.count() + 2)
    expect(contents.get_by_role("link", name="Comments")).to_be_visible()
    expect(contents.locator("summary")).to_be_hidden()


def test_the_contents_end_with_a_link_to_the_comment_form(open_page, loaded_article):
    page = open_page("/")
    contents = page.get_by_role("navigation", name="On this page")
    expect(contents.get_by_role("link").last).to_have_text("Leave a comment")
    contents.get_by_role("link", name="Leave a comment").click()
    expect(page).to_have_url(re.compile("#leave-a-comment$"))
    expect(page.get_by_role("heading", name="Leave a Comment")).to_be_in_viewport()


def test_sections_are_not_each_a_landmark(open_page, loaded_article):
    page = open_page("/")
    expect(page.get_by_role("heading", level=2, name=loaded_article.sections.first().heading)).to_be_visible()
    regions = page.get_by_role("region")
    assert [region.get_attribute("id") for region in regions.all()] == ["comments"]


def test_printed_the_page_names_the_site_and_its_address_and_spells_out_links(
    open_page, screenshot, loaded_article, dosing_chart
):
    page = open_page(loaded_article.get_absolute_url())
    page.emulate_media(media="print")
    masthead = page.locator(".print-masthead")
    expect(masthead).to_be_visible()
    expect(masthead).to_contain_text(settings.SITE_URL.rstrip("/") + loaded_article.get_absolute_url())
    expect(page.locator("#comment-form")).to_be_hidden()
    expect(page.get_by_text("Be the first to share your thoughts")).to_be_hidden()
    expect(page.locator("#comments")).to_be_hidden()
    screenshot(page, "article-print")


def test_printed_a_link_to_the_site_spells_out_its_absolute_address_on_the_sites_own_host(
    open_page, settings, loaded_article, dosing_chart
):
    settings.SITE_URL = "https://ta1.example.org/"
    page = open_page(loaded_article.get_absolute_url())
    chart_link = page.get_by_role("link", name="dosing chart page")
    on_screen = chart_link.evaluate("link => getComputedStyle(link, '::after').content")
    page.emulate_media(media="print")
    printed = chart_link.evaluate("link => getComputedStyle(link, '::after').content")
    assert printed == f'" (https://ta1.example.org{dosing_chart.get_absolute_url()})"'
    assert on_screen == "none"
