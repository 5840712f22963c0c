"""A comment's own admin page puts its decisions above its fields, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Status
from comments.moderation import approve


@pytest.fixture
def pending_two(site, loaded_article):
    return [
        Comment.objects.create(
            article=loaded_article, name=f"Reader {n}", email=f"reader{n}@example.org", body=f"Question number {n}."
        )
        for n in (1, 2)
    ]


def bottom(locator):
    box = locator.bounding_box()
    return box["y"] + box["height"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_decisions_sit_above_the_first_field_and_open_the_next_pending(
    admin_page, moderator, pending_two, javascript
):
    page = admin_page(moderator, javascript=javascript)
    page.goto(f"/admin/comments/comment/{pending_two[0].pk}/change/")
    first_field = page.locator("#comment_form .form-row").first
    decisions = page.get_by_role("group", name="Decide, then open the next pending comment")
    assert bottom(decisions) <= first_field.bounding_box()["y"]
    assert bottom(page.get_by_role("link", name="Approve and reply")) <= first_field.bounding_box()["y"]
    decisions.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(rf"/admin/comments/comment/{pending_two[1].pk}/change/$"))
    assert Comment.objects.get(pk=pending_two[0].pk).status == Status.APPROVED


def test_a_published_comments_page_offers_the_site_reply_above_the_fields(admin_page, moderator, pending_two):
    approve(pending_two[0], by=moderator)
    page = admin_page(moderator)
    page.goto(f"/admin/comments/comment/{pending_two[0].pk}/change/")
    reply = page.get_by_role("link", name="Reply as the site")
    assert bottom(reply) <= page.locator("#comment_form .form-row").first.bounding_box()["y"]
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_a_comments_page_with_its_decisions_on_top_is_accessible(
    admin_page, moderator, pending_two, assert_accessible, screenshot, color_scheme, width
):
    page = admin_page(moderator)
    page.emulate_media(color_scheme=color_scheme)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/admin/comments/comment/{pending_two[0].pk}/change/")
    expect(page.get_by_role("button", name="Spam")).to_be_visible()
    screenshot(page, f"comment-page-decisions-{width}-{color_scheme}")
    assert_accessible(page)
