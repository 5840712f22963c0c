"""A reader writes a comment in Chromium: the live counter, the limit, sending it, and its errors."""

import re

from playwright.sync_api import expect

from comments import text
from comments.models import Comment, Status
from comments.submission import THANKS


def test_reader_follows_the_contents_writes_with_emoji_and_line_breaks_and_is_told_it_awaits_review(
    open_page, fill_comment, loaded_article
):
    page = open_page("/", permissions=["clipboard-read", "clipboard-write"])
    section = loaded_article.sections.all()[2]
    page.get_by_role("navigation", name="On this page").get_by_role("link", name=section.heading).click()
    expect(page).to_have_url(re.compile(f"#{section.anchor}$"))
    expect(page.locator(f"#{section.anchor}")).to_be_in_viewport()

    body = page.locator("#id_body")
    counter = page.locator("#id_body_counter")
    body.click()
    page.keyboard.type("  Thank you 👍🏽 for this.")
    page.keyboard.press("Enter")
    page.keyboard.type("My family 👨‍👩‍👧 read it too.")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("Ça m’a aidé.")
    typed = body.input_value()
    assert "\n" in typed and "👨‍👩‍👧" in typed
    expect(counter).to_have_text(f"{text.length(typed)} / 2000 characters")

    # A real paste through the system clipboard: the whole text arrives in one
    # input event, not a key press per character.
    pasted = "x" * (2001 - text.length(typed))
    page.evaluate("text => navigator.clipboard.writeText(text)", pasted)
    body.focus()
    page.keyboard.press("Control+V")
    expect(body).to_have_value(typed + pasted)
    expect(counter).to_have_text("2001 / 2000 characters, 1 character too many")
    expect(counter).to_have_class(re.compile(r"\bchar-count--over\b"))
    expect(body).to_have_class(re.compile(r"\bis-over-limit\b"))
    # The count stands out from the quiet hint beside it.
    hint_colour = page.locator("#id_body_helptext").evaluate("hint => getComputedStyle(hint).color")
    expect(counter).not_to_have_css("color", hint_colour)
    # Past the limit the reader can still type: the count warns, it never blocks.
    page.keyboard.type("abc")
    expect(body).to_have_value(typed + pasted + "abc")
    expect(counter).to_have_text("2004 / 2000 characters, 4 characters too many")

    # The reader selects everything after their own words, as a drag with
    # the mouse would, deletes it and sends what they wrote.
    body.evaluate(
        "(field, extra) => field.setSelectionRange(field.value.length - extra, field.value.length)",
        len(pasted + "abc"),
    )
    page.keyboard.press("Backspace")
    expect(body).to_have_value(typed)
    expect(counter).not_to_have_class(re.compile(r"\bchar-count--over\b"))
    fill_comment(page)
    page.get_by_role("button", name="Post comment").click()

    expect(page.get_by_role("status")).to_have_text(THANKS)
    expect(page.locator("#comments")).to_be_in_viewport()
    # Their own comment, in place, marked as waiting for a moderator.
    mine = page.locator("#comments .comment--pending")
    expect(mine).to_contain_text("My family")
    expect(mine).to_contain_text("Awaiting review")
    comment = Comment.objects.get()
    assert comment.body == text.normalise(typed)
    assert comment.status == Status.PENDING


def test_the_comment_field_tells_readers_it_takes_plain_text_and_the_form_is_sent_with_post_comment(
    open_page, loaded_article
):
    page = open_page(loaded_article.get_absolute_url())
    expect(page.get_by_role("textbox", name="Comment")).to_have_accessible_description(
        re.compile(r"^Plain text: formatting such as \*\*bold\*\* shows exactly as typed; web addresses become links\.")
    )
    expect(page.locator("#comment-form").get_by_role("button")).to_have_text("Post comment")


def test_counter_counts_exactly_as_the_server_does(open_page):
    page = open_page("/")
    body = page.locator("#id_body")
    body.click()
    for chunk in ("\u00a0 Line one\u2003", "Enter", "👩🏾‍⚕️ says: 10 µg ≠ 10 mg", "Enter", "Enter", "  "):
        if chunk == "Enter":
            page.keyboard.press("Enter")
        else:
            page.keyboard.type(chunk)
        expect(page.locator("#id_body_counter")).to_have_text(f"{text.length(body.input_value())} / 2000 characters")


def test_counter_shows_once_scripts_run_and_is_announced_politely_after_typing_pauses(open_page):
    page = open_page("/", paused_clock=True)
    status = page.locator("#id_body_status")
    expect(page.locator("#id_body_counter")).to_be_visible()
    expect(status).to_have_attribute("aria-live", "polite")
    page.evaluate(
        """() => {
            window.announcements = [];
            const status = document.getElementById("id_body_status");
            new MutationObserver(() => window.announcements.push(status.textContent))
                .observe(status, {childList: true, characterData: true, subtree: true});
        }"""
    )
    body = page.locator("#id_body")

    body.press_sequentially("Eleven")
    page.clock.run_for(600)
    # Each key press starts the wait again, so a second of quiet is counted
    # from the last one, not the first.
    body.press_sequentially(" char")
    page.clock.run_for(999)
    assert page.evaluate("window.announcements") == []

    page.clock.run_for(1)
    expect(status).to_have_text("You have 1989 characters remaining")
    assert page.evaluate("window.announcements") == ["You have 1989 characters remaining"]


def test_error_summary_takes_focus_after_a_failed_submission(open_page, fill_comment, screenshot):
    page = open_page("/")
    fill_comment(page, "x" * 2001, email="not an address")
    page.get_by_role("button", name="Post comment").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter an email address in the correct format, like name@example.com.",
            "Comments can be at most 2000 characters (you wrote 2001).",
        ]
    )
    screenshot(page.locator("main"), "comment-form-with-errors")


def test_error_summary_link_moves_focus_to_its_field(open_page, fill_comment):
    page = open_page("/")
    fill_comment(page, "")
    page.get_by_role("button", name="Post comment").click()
    page.get_by_role("link", name="Enter your comment.").click()
    expect(page.locator("#id_body")).to_be_focused()


def refused(page, fill_comment):
    """The form sent with no name, a mistyped address and a comment one character too long."""
    fill_comment(page, "x" * 2001, name="", email="ada.example.org")
    page.get_by_role("button", name="Post comment").click()
    return page.locator("#error-summary")


def test_fixing_a_field_takes_away_its_error_its_invalid_mark_and_its_line_in_the_summary(open_page, fill_comment):
    page = open_page("/")
    summary = refused(page, fill_comment)
    page.locator("#id_name").press_sequentially("Ada")

    expect(page.locator("#id_name_error")).to_have_count(0)
    expect(page.locator("#id_name")).not_to_have_attribute("aria-invalid", "true")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter an email address in the correct format, like name@example.com.",
            "Comments can be at most 2000 characters (you wrote 2001).",
        ]
    )
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")


def test_once_every_field_is_fixed_the_error_summary_goes_and_the_form_is_accessible(
    open_page, fill_comment, assert_accessible
):
    page = open_page("/")
    summary = refused(page, fill_comment)
    page.locator("#id_name").press_sequentially("Ada")
    page.locator("#id_email").fill("ada@example.org")
    page.locator("#id_body").press("End")
    page.locator("#id_body").press("Backspace")

    expect(summary).to_have_count(0)
    expect(page.locator(".field__error")).to_have_count(0)
    expect(page.locator("[aria-invalid]")).to_have_count(0)
    assert_accessible(page)


def test_an_error_the_browser_cannot_check_stays_until_the_server_has_seen_the_change(open_page, fill_comment):
    page = open_page("/")
    fill_comment(page, "A comment.", name="Site team")
    page.get_by_role("button", name="Post comment").click()
    page.locator("#id_name").fill("Ada Reader")

    expect(page.locator("#id_name_error")).to_have_text(
        "That name is reserved for the site team. Please sign with your own name."
    )
    expect(page.locator("#error-summary").get_by_role("link")).to_have_count(1)


def test_without_javascript_the_form_still_sends_a_comment(open_page, fill_comment):
    page = open_page("/", javascript=False)
    expect(page.locator("#id_body_counter")).to_be_hidden()
    fill_comment(page, "Sent from a browser with scripts turned off.")
    page.get_by_role("button", name="Post comment").click()

    expect(page.get_by_role("status")).to_have_text(THANKS)
    assert Comment.objects.get().body == "Sent from a browser with scripts turned off."


def test_without_javascript_an_over_long_comment_comes_back_with_the_error_and_the_text_intact(open_page, fill_comment):
    page = open_page("/", javascript=False)
    long_comment = "Line one\n" + "y" * 1992
    assert text.length(long_comment) == 2001
    email = fill_comment(page, long_comment, name="Bo Reader")
    page.get_by_role("button", name="Post comment").click()

    expect(page.locator("#id_body_error")).to_have_text("Comments can be at most 2000 characters (you wrote 2001).")
    expect(page.locator("#id_body")).to_have_value(long_comment)
    expect(page.locator("#id_name")).to_have_value("Bo Reader")
    expect(page.locator("#id_email")).to_have_value(email)
    assert not Comment.objects.exists()


FOCUS_STYLE = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        element: element.id || element.outerHTML.slice(0, 80),
        matchesFocusVisible: element.matches(":focus-visible"),
        indicated: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
            || style.boxShadow !== "none",
        onScreen: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
    };
}"""


def test_keyboard_alone_reaches_and_sends_the_comment_form_with_focus_always_visible(open_page):
    page = open_page("/")
    stops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        stops.append(focus)
        assert focus["matchesFocusVisible"] and focus["indicated"] and focus["onScreen"], focus
        if focus["element"] == "id_name":
            break
    assert stops[-1]["element"] == "id_name", "the comment form was never reached with Tab"
    assert len(stops) > 10

    page.keyboard.type("Kim Keys")
    page.keyboard.press("Tab")
    page.keyboard.type("kim.keys@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Written without touching a mouse.")
    stops_after_text = ("#id_notify_on_publish", "#id_notify_on_reply")
    for next_stop in (*map(page.locator, stops_after_text), page.get_by_role("button", name="Post comment")):
        page.keyboard.press("Tab")
        expect(next_stop).to_be_focused()
        focus = page.evaluate(FOCUS_STYLE)
        assert focus["matchesFocusVisible"] and focus["indicated"] and focus["onScreen"], focus
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text(THANKS)
    assert Comment.objects.get().name == "Kim Keys"


def test_a_form_on_another_site_cannot_post_a_comment(site, new_context):
    """Another origin's page, posting the comment form to this site: Chromium
    says where it came from, and the site refuses it."""
    port = int(site.url.rsplit(":", 1)[1])
    elsewhere = f"http://127.0.0.1:{port + 1}/"
    forged = (
        '<!DOCTYPE html><html lang="en"><title>Elsewhere</title>'
        f'<form method="post" action="{site.url}/articles/thymosin-alpha-1/comments/">'
        '<input name="name" value="Eve"><input name="email" value="eve@example.org">'
        '<textarea name="body">Posted from another site.</textarea><button>Send</button></form></html>'
    )
    page = new_context().new_page()
    page.route(elsewhere, lambda route: route.fulfill(content_type="text/html", body=forged))
    page.goto(elsewhere)
    with page.expect_response(re.compile(r"/comments/$")) as answer:
        page.get_by_role("button", name="Send").click()
    assert answer.value.status == 403
    assert answer.value.request.all_headers()["origin"] == elsewhere.rstrip("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your form could not be sent")
    assert not Comment.objects.exists()
