"""A moderator decides on one comment after another without stopping: keys
from the page's load, focus moving on to the next undecided comment, decided
ones folding away, and bulk decisions undone from their message."""

import re

import pytest
from playwright.sync_api import expect

from bench.moderation_walk import keyboard_walk
from comments import counts, moderation
from comments.models import Comment, Status


@pytest.fixture(autouse=True)
def _undo_window(settings):
    settings.MODERATION_UNDO_SECONDS = 30


@pytest.fixture
def pending(site, loaded_article):
    def _make(count):
        made = [
            Comment.objects.create(
                article=loaded_article, name=f"Reader {n}", email=f"reader{n}@example.org", body=f"Question number {n}."
            )
            for n in range(1, count + 1)
        ]
        # Written past the services that keep the queue's counts.
        counts.recount(loaded_article)
        return made

    return _make


def entry(page, name):
    return page.locator("[data-queue-entry]", has=page.get_by_role("heading", name=name, exact=True))


def open_queue(page):
    page.goto("/admin/comments/comment/")
    # The script shows this switch once it listens for keys.
    expect(page.get_by_label("Keyboard shortcuts")).to_be_visible()
    # Focus counts only in the browser's active page.
    page.bring_to_front()


def status_of(name):
    return Comment.objects.get(name=name).status


def without_javascript(open_page, moderator):
    page = open_page("/admin/login/", javascript=False)
    page.get_by_label("Username").fill(moderator.get_username())
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto("/admin/comments/comment/")
    return page


def test_j_on_the_queues_page_load_goes_to_the_first_comment_without_a_tab(admin_page, moderator, pending):
    pending(3)
    page = admin_page(moderator)
    open_queue(page)
    page.keyboard.press("j")
    expect(entry(page, "Reader 1")).to_be_focused()


def test_a_decision_key_on_page_load_acts_on_the_first_undecided_comment(admin_page, moderator, pending):
    pending(3)
    page = admin_page(moderator)
    open_queue(page)
    page.keyboard.press("r")
    expect(entry(page, "Reader 1").locator("[data-queue-status-label]")).to_have_text("Rejected")
    assert [status_of("Reader 1"), status_of("Reader 2")] == [Status.REJECTED, Status.PENDING]


def test_keys_typed_in_the_search_box_or_the_action_select_decide_nothing(admin_page, moderator, pending):
    pending(2)
    page = admin_page(moderator)
    open_queue(page)
    page.get_by_role("textbox").first.press("j")
    page.get_by_role("textbox").first.press("a")
    page.get_by_label("Action:").press("r")
    expect(page.get_by_role("textbox").first).to_have_value("ja")
    expect(page.locator("[data-queue-entry]:focus")).to_have_count(0)
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_after_a_decision_focus_moves_to_the_next_undecided_comment_and_says_so(admin_page, moderator, pending):
    pending(3)
    page = admin_page(moderator)
    open_queue(page)
    entry(page, "Reader 1").get_by_role("button", name="Approve").click()
    expect(entry(page, "Reader 2")).to_be_focused()
    expect(page.locator("[data-queue-announce]")).to_contain_text("Next: the comment by Reader 2.")


def test_a_decided_comment_folds_to_its_name_status_and_undo_and_undo_unfolds_it(admin_page, moderator, pending):
    pending(2)
    page = admin_page(moderator)
    open_queue(page)
    first = entry(page, "Reader 1")
    first.get_by_role("button", name="Reject").click()
    expect(first.locator("[data-queue-status-label]")).to_have_text("Rejected")
    expect(first.get_by_text("Question number 1.")).to_be_hidden()
    expect(first.get_by_role("button", name="Approve")).to_be_hidden()
    expect(first.get_by_role("heading", name="Reader 1")).to_be_visible()
    first.get_by_role("button", name="Undo").click()
    expect(first.locator("[data-queue-status-label]")).to_have_text("Pending")
    expect(first.get_by_text("Question number 1.")).to_be_visible()
    expect(first.get_by_role("button", name="Approve")).to_be_visible()


def test_a_decided_comment_leaves_the_list_when_its_undo_window_closes(admin_page, moderator, pending):
    pending(2)
    page = admin_page(moderator, paused_clock=True)
    open_queue(page)
    entry(page, "Reader 1").get_by_role("button", name="Spam").click()
    expect(entry(page, "Reader 1").get_by_role("button", name="Undo")).to_be_visible()
    page.clock.run_for(29_000)
    expect(entry(page, "Reader 1")).to_have_count(1)
    page.clock.run_for(2_000)
    expect(entry(page, "Reader 1")).to_have_count(0)
    expect(entry(page, "Reader 2")).to_be_visible()


def test_a_decision_another_script_reports_is_shown_as_one_made_by_its_button(admin_page, moderator, pending):
    pending(3)
    page = admin_page(moderator)
    open_queue(page)
    page.evaluate(
        """async () => {
          const entry = document.querySelector("[data-queue-entry]");
          const body = new FormData();
          body.append("csrfmiddlewaretoken", document.querySelector("[name=csrfmiddlewaretoken]").value);
          body.append("to", "approved");
          const url = entry.querySelector("[data-decision=approved]").formAction;
          const response = await fetch(url, { method: "POST", body, headers: { Accept: "application/json" } });
          const data = await response.json();
          document.dispatchEvent(new CustomEvent("ta1:queue-decided", { detail: { entry, data } }));
        }"""
    )
    first = entry(page, "Reader 1")
    expect(first.locator("[data-queue-status-label]")).to_have_text("Approved")
    expect(first.get_by_role("button", name="Undo")).to_be_visible()
    expect(first.get_by_text("Question number 1.")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Comments by status")).to_have_text(
        "Pending 2 · Spam 0 · Approved 1 · Rejected 0"
    )
    expect(page.get_by_role("link", name="2 comments awaiting moderation")).to_be_visible()
    expect(entry(page, "Reader 2")).to_be_focused()


def test_without_javascript_a_decision_is_told_once_with_its_undo(open_page, moderator, pending):
    pending(2)
    page = without_javascript(open_page, moderator)
    entry(page, "Reader 1").get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved: the comment by Reader 1.")).to_have_count(1)
    expect(page.locator(".messagelist").get_by_role("button", name="Undo")).to_be_visible()


def test_without_javascript_a_bulk_decision_is_undone_from_its_message_except_what_changed_since(
    open_page, moderator, pending
):
    pending(3)
    page = without_javascript(open_page, moderator)
    for name in ("Reader 1", "Reader 2"):
        page.get_by_role("row", name=re.compile(name)).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Approve selected comments")
    page.get_by_role("button", name="Go").click()
    message = page.locator(".messagelist")
    expect(message.get_by_text("Approved 2 comments.")).to_have_count(1)
    moderation.reject(Comment.objects.get(name="Reader 2"), by=moderator)
    message.get_by_role("button", name="Undo").click()
    expect(message).to_contain_text("Undone: 1 comment back as before.")
    expect(message).to_contain_text(
        "Not undone for 1 comment (by Reader 2): The comment has been moderated again since"
    )
    assert [status_of(f"Reader {n}") for n in (1, 2, 3)] == [Status.PENDING, Status.REJECTED, Status.PENDING]


def test_ten_decisions_by_keyboard_take_ten_keys_and_no_page_load(admin_page, moderator, pending):
    pending(12)
    page = admin_page(moderator)
    open_queue(page)
    assert keyboard_walk(page, 10) == {"keys": 10, "page_loads": 0}
    assert Comment.objects.filter(status=Status.APPROVED).count() == 10
