"""Replies in a real browser: a reader answers in a thread, a moderator approves and answers
in one step, both with and without JavaScript; pages with threads are accessible."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments import counts
from comments.models import Comment, Status
from comments.moderation import approve
from comments.replies import reply_as_site

WITH_AND_WITHOUT_JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
SCHEMES_AND_WIDTHS = pytest.mark.parametrize(
    ("color_scheme", "width"),
    [("light", 1280), ("light", 375), ("dark", 1280), ("dark", 375)],
)


@pytest.fixture
def conversation(site, loaded_article, moderator):
    """A published question with a reader's reply and the site team's answer to it."""
    question = Comment.objects.create(
        article=loaded_article,
        name="Rae Reader",
        email="rae@example.org",
        body="Is there evidence for people over seventy?",
        status=Status.APPROVED,
    )
    follow_up = Comment.objects.create(
        article=loaded_article,
        parent=question,
        in_reply_to=question,
        name="Sam Second",
        email="sam@example.org",
        body="I would like to know this too.",
        status=Status.APPROVED,
    )
    reply_as_site(
        follow_up,
        body="The trials in the evidence section included adults up to 85; see the table there.",
        by=moderator,
    )
    return question


@WITH_AND_WITHOUT_JAVASCRIPT
def test_a_reader_replies_in_a_thread_and_sees_it_there_once_approved(
    open_page, fill_comment, conversation, moderator, javascript
):
    page = open_page(conversation.article.get_absolute_url(), javascript=javascript)
    thread = page.locator(f"#comment-{conversation.pk}")
    thread.get_by_role("link", name="Reply to Rae Reader").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to Rae Reader")
    expect(page.locator("blockquote")).to_contain_text("Is there evidence for people over seventy?")
    fill_comment(page, "My mother is 78 and asked the same.", name="Tia Third")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("status")).to_contain_text("will appear after review")

    reply = Comment.objects.get(name="Tia Third")
    assert (reply.status, reply.parent, reply.in_reply_to) == (Status.PENDING, conversation, conversation)
    approve(reply, by=moderator)
    page.reload()
    replies = page.locator(f"#comment-{conversation.pk} .comment-replies")
    expect(replies.locator("> li")).to_have_count(3)
    expect(replies.locator("> li").last).to_contain_text("My mother is 78 and asked the same.")


def test_a_reader_sees_their_pending_reply_last_in_its_thread(open_page, fill_comment, assert_accessible, conversation):
    page = open_page(f"/comments/{conversation.pk}/reply/")
    fill_comment(page, "My mother is 78 and asked the same.", name="Tia Third")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("status")).to_contain_text("will appear after review")

    replies = page.get_by_role("list", name="Replies to Rae Reader").locator("> li")
    expect(replies).to_have_count(3)
    expect(replies.last).to_contain_text("Awaiting review")
    expect(replies.last).to_contain_text("My mother is 78 and asked the same.")
    assert_accessible(page)


def test_without_javascript_a_moderator_approves_and_replies_in_one_step_on_the_reply_page(
    open_page, admin_page, site, loaded_article, moderator
):
    javascript = False
    question = Comment.objects.create(
        article=loaded_article, name="Una Unsure", email="una@example.org", body="Is it safe with vaccines?"
    )
    # Written past the services that keep the queue's counts.
    counts.recount(loaded_article)
    admin = admin_page(moderator, javascript=javascript)
    admin.get_by_role("link", name="1 comment awaiting moderation").click()
    admin.get_by_role("link", name="Approve and reply to Una Unsure").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Reply as the site team")
    admin.get_by_label("Reply as the site team").fill("Please see the section on vaccine response.")
    admin.get_by_role("button", name="Approve and reply").click()
    admin.wait_for_url(f"**{reverse('admin:comments_comment_changelist')}")
    expect(admin.locator(".messagelist")).to_contain_text("Your reply as the site team is published.")

    question.refresh_from_db()
    assert question.status == Status.APPROVED
    reader = open_page(loaded_article.get_absolute_url(), javascript=javascript)
    answer = reader.locator(f"#comment-{question.pk} .comment--site")
    expect(answer).to_contain_text("Site team")
    expect(answer).to_contain_text("Please see the section on vaccine response.")


def test_the_reply_form_is_sent_with_a_post_reply_button(open_page, conversation):
    page = open_page(reverse("comments:reply", args=[conversation.pk]))
    form = page.locator("#comment-form")
    expect(form.get_by_role("button")).to_have_text("Post reply")


def test_a_thread_with_a_site_team_reply_is_shown_whole(open_page, conversation, screenshot):
    page = open_page(conversation.get_absolute_url())
    thread = page.locator(f"#comment-{conversation.pk}")
    expect(thread.locator(".comment--site .comment__badge")).to_have_text("Site team")
    expect(thread.locator(".comment--site")).to_contain_text("to Sam Second")
    thread.scroll_into_view_if_needed()
    screenshot(thread, "thread-with-site-team-reply")
    page.emulate_media(color_scheme="dark")
    screenshot(thread, "thread-with-site-team-reply-dark")


@SCHEMES_AND_WIDTHS
def test_a_page_with_threads_is_accessible(open_page, assert_accessible, conversation, color_scheme, width):
    page = open_page(conversation.article.get_absolute_url(), color_scheme=color_scheme, width=width)
    expect(page.locator(".comment-replies")).to_have_count(1)
    assert_accessible(page)


@SCHEMES_AND_WIDTHS
def test_the_reply_page_is_accessible(open_page, assert_accessible, conversation, color_scheme, width):
    page = open_page(reverse("comments:reply", args=[conversation.pk]), color_scheme=color_scheme, width=width)
    assert_accessible(page)


@SCHEMES_AND_WIDTHS
def test_the_site_reply_page_is_accessible(admin_page, assert_accessible, conversation, moderator, color_scheme, width):
    page = admin_page(moderator)
    page.emulate_media(color_scheme=color_scheme)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("comments:site_reply", args=[conversation.pk]))
    assert_accessible(page)
