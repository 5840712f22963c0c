"""After posting, the reader sees their own comment in place, marked as
awaiting review, with focus on the announced message; a moderator sees a
pending comment in place from the admin's "View on site"."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment


@pytest.mark.parametrize("width", [1280, 375])
def test_reader_posts_and_sees_their_comment_awaiting_review(
    open_page, fill_comment, assert_accessible, screenshot, width
):
    page = open_page("/", width=width)
    fill_comment(page, "Is the evidence any different for children?", name="Jo Bloggs")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"/comments/received/"))
    message = page.get_by_role("status").filter(has_text="will appear after review")
    expect(message).to_be_focused()
    mine = page.locator("#comments .comment--pending")
    expect(mine).to_contain_text("Jo Bloggs")
    expect(mine).to_contain_text("Awaiting review")
    expect(mine).to_contain_text("Is the evidence any different for children?")
    expect(page.get_by_text("No comments yet")).to_have_count(0)
    screenshot(page, f"comment-awaiting-review-{width}")
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_moderator_views_a_pending_comment_in_place_from_the_admin(
    admin_page, moderator, loaded_article, assert_accessible, width
):
    comment = Comment.objects.create(
        article=loaded_article, name="Pat Pending", email="pat@example.org", body="Waiting to be seen."
    )
    page = admin_page(moderator)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/admin/comments/comment/{comment.pk}/change/")
    page.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(re.compile(rf"/comments/{comment.pk}/in-place/$"))
    expect(page.locator("#comments .comment--pending")).to_contain_text("Waiting to be seen.")
    expect(page.get_by_text("Only moderators see this page")).to_be_visible()
    assert_accessible(page)
