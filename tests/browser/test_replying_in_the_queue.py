"""A moderator replies as the site, or approves and replies, under the comment in the
queue: no page load, the reply page's checks, errors in place, the decision script told."""

import pytest
from playwright.sync_api import expect

from comments import counts, text
from comments.models import Comment, Status
from comments.moderation import approve

QUEUE = "/admin/comments/comment/"
ANSWER = "Please see the section on vaccine response."


@pytest.fixture
def question(site, loaded_article):
    comment = Comment.objects.create(
        article=loaded_article, name="Una Unsure", email="una@example.org", body="Is it safe with vaccines?"
    )
    # Written past the services that keep the queue's counts.
    counts.recount(loaded_article)
    return comment


@pytest.fixture
def queue(admin_page, moderator):
    """The queue, counting the pages the browser loads from here on."""

    def _open(path=QUEUE):
        page = admin_page(moderator)
        page.goto(path)
        loads = []
        page.on("load", lambda _page: loads.append(1))
        page.loads = loads
        return page

    return _open


def entry_of(page, comment):
    return page.locator(f"#queue-{comment.pk}")


def test_approve_and_reply_publishes_both_under_the_entry_without_a_page_load(queue, question):
    page = queue()
    entry = entry_of(page, question)
    entry.get_by_role("link", name="Approve and reply to Una Unsure").click()
    expect(entry.get_by_label("Reply as the site team to Una Unsure")).to_be_focused()
    entry.get_by_label("Reply as the site team to Una Unsure").fill(ANSWER)
    entry.get_by_role("button", name="Approve and reply").click()
    expect(entry.locator(".queue-reply__done")).to_have_text(
        "Approved: the comment by Una Unsure. Your reply as the site team is published. See the reply on the page"
    )
    reply = Comment.objects.get(by_site_team=True)
    # Focus moves on to the next undecided comment, as after any decision; the line stays.
    expect(entry.get_by_role("link", name="See the reply on the page")).to_be_visible()
    expect(entry.get_by_role("link", name="See the reply on the page")).to_have_attribute(
        "href", reply.get_absolute_url()
    )
    question.refresh_from_db()
    assert (question.status, reply.parent, reply.body) == (Status.APPROVED, question, ANSWER)
    assert page.loads == []


def test_the_decision_script_hears_of_an_approve_and_reply(queue, question):
    page = queue()
    page.evaluate(
        """() => document.addEventListener("ta1:queue-decided", (event) => {
            window.decided = {entry: event.detail.entry.id, status: event.detail.data.status,
                              pending: event.detail.data.pending_count, undo: event.detail.data.undo_seconds};
        })"""
    )
    entry = entry_of(page, question)
    entry.get_by_role("link", name="Approve and reply to Una Unsure").click()
    entry.get_by_role("textbox").fill(ANSWER)
    entry.get_by_role("button", name="Approve and reply").click()
    expect(entry.locator(".queue-reply__done")).to_be_visible()
    assert page.evaluate("window.decided") == {
        "entry": f"queue-{question.pk}",
        "status": "approved",
        "pending": 0,
        "undo": 0,
    }


def test_a_reply_to_a_published_comment_is_announced_and_its_link_shown(queue, question, moderator):
    approve(question, by=moderator)
    page = queue(f"{QUEUE}?status__exact=approved")
    entry = entry_of(page, question)
    entry.get_by_role("link", name="Reply as the site to Una Unsure").click()
    entry.get_by_role("textbox").fill(ANSWER)
    entry.get_by_role("button", name="Publish reply").click()
    expect(page.locator("[data-queue-announce]")).to_have_text("Your reply as the site team is published.")
    expect(entry.get_by_role("link", name="See the reply on the page")).to_be_visible()
    assert Comment.objects.get(by_site_team=True).parent == question
    assert page.loads == []


def test_a_refused_reply_says_why_in_place_and_keeps_the_text(queue, question):
    page = queue()
    entry = entry_of(page, question)
    too_long = "Evidence. " * (text.MAX_LENGTH // 10 + 1)
    entry.get_by_role("link", name="Approve and reply to Una Unsure").click()
    entry.get_by_role("textbox").fill(too_long)
    entry.get_by_role("button", name="Approve and reply").click()
    expect(entry.locator("[data-queue-reply-error]")).to_contain_text(f"at most {text.MAX_LENGTH} characters")
    expect(entry.get_by_role("textbox")).to_be_focused()
    expect(entry.get_by_role("textbox")).to_have_value(too_long)
    expect(entry.get_by_role("textbox")).to_have_attribute("aria-invalid", "true")
    question.refresh_from_db()
    assert question.status == Status.PENDING
    assert not Comment.objects.filter(by_site_team=True).exists()
    assert page.loads == []


def test_cancel_closes_the_reply_form_and_returns_to_the_link(queue, question):
    page = queue()
    entry = entry_of(page, question)
    link = entry.get_by_role("link", name="Approve and reply to Una Unsure")
    link.click()
    entry.get_by_role("button", name="Cancel").click()
    expect(entry.get_by_role("textbox")).to_have_count(0)
    expect(link).to_be_focused()


def test_a_reply_being_written_does_not_stop_a_bulk_action(queue, question):
    page = queue()
    entry = entry_of(page, question)
    entry.get_by_role("link", name="Approve and reply to Una Unsure").click()
    entry.get_by_role("textbox").fill(ANSWER)
    page.locator("#result_list tbody").get_by_role("checkbox").first.check()
    page.get_by_label("Action:").select_option(label="Approve selected comments")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Approved 1 comment.")
    question.refresh_from_db()
    assert question.status == Status.APPROVED


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_queue_with_a_reply_form_open_is_accessible(
    queue, question, assert_accessible, screenshot, color_scheme, width
):
    page = queue()
    page.emulate_media(color_scheme=color_scheme)
    page.set_viewport_size({"width": width, "height": 900})
    entry = entry_of(page, question)
    entry.get_by_role("link", name="Approve and reply to Una Unsure").click()
    entry.get_by_role("button", name="Approve and reply").click()
    expect(entry.locator("[data-queue-reply-error]")).to_be_visible()
    screenshot(entry, f"queue-reply-refused-{width}-{color_scheme}")
    assert_accessible(page)
