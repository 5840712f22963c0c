"""A moderator works the queue in the admin: by mouse and by keyboard, with
and without JavaScript, and undoes a decision. Also measured: how many
actions and page loads approving one pending comment takes from the admin
index."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from comments.counts import recount
from comments.models import Comment, Status


@pytest.fixture
def pending_three(site, loaded_article):
    pending = [
        Comment.objects.create(
            article=loaded_article, name=f"Reader {n}", email=f"reader{n}@example.org", body=f"Question number {n}."
        )
        for n in (1, 2, 3)
    ]
    recount(loaded_article)
    return pending


@pytest.fixture(autouse=True)
def _undo_window(settings):
    settings.MODERATION_UNDO_SECONDS = 30


class Steps:
    """Counts what a person does and what the browser loads."""

    def __init__(self, page):
        self.actions, self.loads, self.posts = 0, 0, 0
        page.on("load", self._loaded)
        page.on("request", self._requested)

    def _loaded(self, _page):
        self.loads += 1

    def _requested(self, request):
        if request.method == "POST":
            self.posts += 1

    def act(self, action):
        self.actions += 1
        return action()


def record(name, steps):
    """Keep the numbers in artifacts/moderation-steps.json for the record."""
    directory = Path(settings.BASE_DIR) / "artifacts"
    directory.mkdir(exist_ok=True)
    path = directory / "moderation-steps.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = {"actions": steps.actions, "page_loads": steps.loads, "posts": steps.posts}
    path.write_text(json.dumps(data, indent=2))
    print(f"{name}: {data[name]}")


def entry(page, text):
    return page.locator("[data-queue-entry]", has_text=text)


def test_moderator_approves_from_the_admin_index_in_two_clicks_without_a_reload(
    admin_page, moderator, pending_three, screenshot
):
    page = admin_page(moderator)
    steps = Steps(page)
    steps.act(lambda: page.get_by_role("link", name="3 comments awaiting moderation").click())
    expect(entry(page, "Question number 1.")).to_be_visible()
    screenshot(page, "moderation-queue-1280")
    steps.act(lambda: entry(page, "Question number 1.").get_by_role("button", name="Approve").click())
    expect(entry(page, "Question number 1.").locator("[data-queue-status-label]")).to_have_text("Approved")
    expect(page.get_by_role("link", name="2 comments awaiting moderation")).to_be_visible()
    assert Comment.objects.get(body="Question number 1.").status == Status.APPROVED
    record("with JavaScript", steps)
    assert (steps.actions, steps.loads) == (2, 1)
    screenshot(page, "moderation-queue-after-approval-1280")


def test_moderator_rejects_by_mouse_and_undoes_it(admin_page, moderator, pending_three):
    page = admin_page(moderator)
    page.get_by_role("link", name="3 comments awaiting moderation").click()
    item = entry(page, "Question number 2.")
    item.get_by_role("button", name="Reject").click()
    expect(item.locator("[data-queue-status-label]")).to_have_text("Rejected")
    item.get_by_role("button", name="Undo").click()
    expect(item.locator("[data-queue-status-label]")).to_have_text("Pending")
    expect(page.get_by_role("link", name="3 comments awaiting moderation")).to_be_visible()
    comment = Comment.objects.get(body="Question number 2.")
    assert comment.status == Status.PENDING
    assert list(comment.decisions.values_list("to_status", flat=True)) == [Status.PENDING, Status.REJECTED]


def test_moderator_works_the_queue_by_keyboard(admin_page, moderator, pending_three):
    page = admin_page(moderator)
    page.get_by_role("link", name="3 comments awaiting moderation").click()
    # The queue's script shows this switch once it listens for keys; a key
    # pressed before that is lost.
    expect(page.get_by_label("Keyboard shortcuts")).to_be_visible()
    # Focus counts only in the browser's active page and window: on a loaded
    # machine a page of an earlier test could still hold that place. A click
    # on the page's title gives it the window's focus, as a moderator's own
    # click or the window coming forward does, without focusing a control.
    page.bring_to_front()
    page.get_by_role("heading", level=1).click()
    page.keyboard.press("j")
    expect(entry(page, "Question number 1.")).to_be_focused()
    page.keyboard.press("r")
    expect(entry(page, "Question number 1.").locator("[data-queue-status-label]")).to_have_text("Rejected")
    page.keyboard.press("u")
    expect(entry(page, "Question number 1.").locator("[data-queue-status-label]")).to_have_text("Pending")
    expect(entry(page, "Question number 1.")).to_be_focused()
    page.keyboard.press("j")
    expect(entry(page, "Question number 2.")).to_be_focused()
    page.keyboard.press("a")
    expect(entry(page, "Question number 2.").locator("[data-queue-status-label]")).to_have_text("Approved")
    expect(entry(page, "Question number 3.")).to_be_focused()
    page.keyboard.press("s")
    expect(entry(page, "Question number 3.").locator("[data-queue-status-label]")).to_have_text("Spam")
    # The one undecided comment left is before it.
    expect(entry(page, "Question number 1.")).to_be_focused()
    page.keyboard.press("j")
    expect(entry(page, "Question number 2.")).to_be_focused()
    page.keyboard.press("k")
    expect(entry(page, "Question number 1.")).to_be_focused()
    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses == {
        "Question number 1.": Status.PENDING,
        "Question number 2.": Status.APPROVED,
        "Question number 3.": Status.SPAM,
    }
    expect(page.get_by_role("status").filter(has_text="Marked as spam")).to_have_count(1)


def test_shortcuts_never_act_while_typing_or_when_turned_off(admin_page, moderator, pending_three):
    page = admin_page(moderator)
    page.get_by_role("link", name="3 comments awaiting moderation").click()
    page.get_by_role("textbox").first.fill("")
    page.get_by_role("textbox").first.press("a")
    page.get_by_label("Keyboard shortcuts").uncheck()
    page.locator("#result_list").get_by_role("checkbox").first.focus()
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.reload()
    expect(page.get_by_label("Keyboard shortcuts")).not_to_be_checked()
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_without_javascript_approving_from_the_admin_index_is_one_post(admin_page, open_page, moderator, pending_three):
    page = open_page("/admin/login/", javascript=False)
    page.get_by_label("Username").fill(moderator.get_username())
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    steps = Steps(page)
    steps.act(lambda: page.get_by_role("link", name="3 comments awaiting moderation").click())
    steps.act(lambda: entry(page, "Question number 1.").get_by_role("button", name="Approve").click())
    expect(page.get_by_role("link", name="2 comments awaiting moderation")).to_be_visible()
    expect(page.locator(".undo-offer")).to_contain_text("the comment by Reader 1")
    assert Comment.objects.get(body="Question number 1.").status == Status.APPROVED
    record("without JavaScript", steps)
    assert (steps.actions, steps.posts) == (2, 1)
    page.locator(".undo-offer").get_by_role("button", name="Undo").click()
    expect(page.get_by_role("link", name="3 comments awaiting moderation")).to_be_visible()


def test_the_comment_page_decides_and_moves_to_the_next_pending(admin_page, moderator, pending_three):
    page = admin_page(moderator)
    page.goto(f"/admin/comments/comment/{pending_three[0].pk}/change/")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(rf"/admin/comments/comment/{pending_three[1].pk}/change/$"))
    page.get_by_label("Status").select_option(label="Rejected")
    page.get_by_role("button", name="Save and next pending").click()
    page.wait_for_url(re.compile(rf"/admin/comments/comment/{pending_three[2].pk}/change/$"))
    statuses = [Comment.objects.get(pk=c.pk).status for c in pending_three]
    assert statuses == [Status.APPROVED, Status.REJECTED, Status.PENDING]


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_queue_and_comment_page_are_accessible(
    admin_page, moderator, pending_three, assert_accessible, screenshot, width, color_scheme
):
    page = admin_page(moderator)
    page.emulate_media(color_scheme=color_scheme)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/comments/comment/")
    entry(page, "Question number 1.").get_by_role("button", name="Approve").click()
    expect(entry(page, "Question number 1.").get_by_role("button", name="Undo")).to_be_visible()
    screenshot(page, f"moderation-queue-{width}-{color_scheme}")
    assert_accessible(page)
    page.goto(f"/admin/comments/comment/{pending_three[1].pk}/change/")
    assert_accessible(page)


def test_moderator_sees_every_statuss_count_and_takes_a_comment_out_of_spam_in_one_click(
    admin_page, moderator, pending_three, loaded_article, assert_accessible
):
    Comment.objects.create(
        article=loaded_article,
        name="Nia Sources",
        email="nia@example.org",
        body="Two studies say so.",
        status=Status.SPAM,
        spam_reasons="Matches the blocklist: casino.",
    )
    recount(loaded_article)
    page = admin_page(moderator)
    page.get_by_role("link", name="3 comments awaiting moderation").click()
    counts = page.get_by_role("navigation", name="Comments by status")
    expect(counts).to_have_text("Pending 3 · Spam 1 · Approved 0 · Rejected 0")
    counts.get_by_role("link", name="Spam 1").click()
    spam = entry(page, "Two studies say so.")
    expect(spam.get_by_text("Held as spam because:")).to_be_visible()
    assert_accessible(page)
    spam.get_by_role("button", name="Not spam").click()
    expect(spam.locator("[data-queue-status-label]")).to_have_text("Pending")
    expect(counts).to_have_text("Pending 4 · Spam 0 · Approved 0 · Rejected 0")
    expect(page.get_by_role("link", name="4 comments awaiting moderation")).to_be_visible()
    assert Comment.objects.get(name="Nia Sources").status == Status.PENDING
