"""The editor's page holds a long article: sections folded to their headings, an outline, the
Markdown help once, a move to any position in one step, a warning before unsaved work is lost,
and a refused save that points at each error."""

import re

from playwright.sync_api import expect
from test_editing import change_path, draft_headings, open_section, section_row

from articles.markup import SUPPORTED_MARKDOWN


def headings_of(article):
    return list(article.sections.values_list("heading", flat=True))


def test_sections_start_folded_to_their_headings_and_open_without_javascript(admin_page, editor, loaded_article):
    heading = headings_of(loaded_article)[3]
    page = admin_page(editor, javascript=False)
    page.goto(change_path(loaded_article))
    expect(page.locator(".inline-related.has_original textarea[name$='-body']:visible")).to_have_count(0)
    row = open_section(page, heading)
    expect(row.get_by_label("Body")).to_be_visible()


def test_the_outline_jumps_to_a_section_and_opens_it(admin_page, editor, loaded_article):
    heading = headings_of(loaded_article)[-1]
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    page.locator(".section-outline").get_by_role("link", name=heading, exact=True).click()
    row = section_row(page, heading)
    expect(row.get_by_label("Body")).to_be_visible()
    expect(row.locator("h3")).to_be_in_viewport()


def test_the_markdown_help_is_written_once_and_every_body_box_points_at_it(admin_page, editor, loaded_article):
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    expect(page.get_by_text(SUPPORTED_MARKDOWN)).to_have_count(1)
    described = page.evaluate(
        """() => Array.from(document.querySelectorAll("textarea[name$='-body']"), (box) =>
            (box.getAttribute("aria-describedby") || "").split(" ").map((id) => document.getElementById(id))
                .some((help) => help && help.textContent.includes("for urgent safety text")))"""
    )
    assert described and all(described)


def test_a_section_moves_to_a_chosen_position_in_one_step(admin_page, editor, loaded_article):
    headings = headings_of(loaded_article)
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    row = open_section(page, headings[-1])
    row.get_by_label("Position").fill("1")
    row.get_by_role("button", name=re.compile("^Move to position")).click()
    expect(page.locator(".inline-related.has_original .inline_label").first).to_have_text(headings[-1])
    page.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was saved")
    assert draft_headings(loaded_article) == [headings[-1], *headings[:-1]]


def test_a_move_to_a_position_without_javascript_is_saved_at_once_and_says_so(admin_page, editor, loaded_article):
    headings = headings_of(loaded_article)
    page = admin_page(editor, javascript=False)
    page.goto(change_path(loaded_article))
    row = open_section(page, headings[-1])
    expect(row.locator(".move-note")).to_have_text(re.compile("saves the draft at once"))
    row.get_by_label("Position").fill("1")
    row.get_by_role("button", name=re.compile("^Move to position")).click()
    expect(page.locator(".messagelist")).to_contain_text(f"Moved “{headings[-1]}” to position 1")
    assert draft_headings(loaded_article)[0] == headings[-1]


def test_an_order_changed_on_the_page_is_marked_not_saved_until_the_draft_is_saved(admin_page, editor, loaded_article):
    headings = headings_of(loaded_article)
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    notice = page.locator(".order-notice")
    expect(notice).to_be_hidden()
    open_section(page, headings[1]).get_by_role("button", name=re.compile("^Move up")).click()
    expect(notice).to_have_text("Order not saved yet: Save draft keeps it.")
    expect(page.locator(".section-outline li").first).to_have_text(headings[1])
    page.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was saved")
    expect(notice).to_be_hidden()


def leaving_asks(page):
    """Follow the Revisions link and say whether the browser asked before leaving."""
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("link", name="Revisions").click()
    page.wait_for_url(re.compile("/revisions/$"))
    return asked == ["beforeunload"]


def test_leaving_the_editor_with_unsaved_changes_asks_first(admin_page, editor, loaded_article):
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    page.get_by_label("Summary").fill("A summary not saved yet.")
    assert leaving_asks(page)


def test_leaving_the_editor_unchanged_asks_nothing(admin_page, editor, loaded_article):
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    page.get_by_label("Summary").click()
    assert not leaving_asks(page)


def test_saving_the_draft_asks_nothing(admin_page, editor, loaded_article):
    asked = []
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    page.on("dialog", lambda dialog: asked.append(dialog.type) or dialog.accept())
    page.get_by_label("Summary").fill("A summary saved at once.")
    page.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was saved")
    assert asked == []


def test_a_refused_save_lists_each_error_with_a_link_that_opens_its_section(admin_page, editor, loaded_article):
    heading = headings_of(loaded_article)[4]
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    open_section(page, heading).get_by_label("Body").fill("Intro.\n\n## Warning signs")
    page.get_by_role("button", name="Save draft", exact=True).first.click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Line 3: “##” headings are the page's own")
    section_row(page, heading).locator("summary").click()
    summary.get_by_role("link", name=f"Section “{heading}”, Body").click()
    expect(section_row(page, heading).get_by_label("Body")).to_be_focused()
    expect(section_row(page, heading).get_by_label("Body")).to_be_visible()


def test_a_refused_section_previews_the_refused_text(admin_page, editor, loaded_article):
    heading = headings_of(loaded_article)[4]
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    row = open_section(page, heading)
    row.get_by_label("Body").fill("A **refused** paragraph.")
    row.get_by_label("Heading").fill("")
    page.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(page.locator(".error-summary")).to_contain_text("This field is required.")
    refused = page.locator(".inline-related.has_original").nth(4)
    expect(refused.locator(".section-preview strong")).to_have_text("refused")


def test_a_section_refused_for_its_markdown_previews_the_reason(admin_page, editor, loaded_article):
    heading = headings_of(loaded_article)[4]
    page = admin_page(editor)
    page.goto(change_path(loaded_article))
    open_section(page, heading).get_by_label("Body").fill("Read <b>below</b>.")
    page.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(section_row(page, heading).locator(".section-preview")).to_contain_text(
        "Line 1: HTML such as <b> is not allowed"
    )
