"""A moderator approves a reader's comment in the admin, and readers then see it."""

import re

from playwright.sync_api import expect


def test_moderator_sees_the_pending_count_and_bulk_approves_and_the_reader_then_sees_the_comment(
    open_page, admin_page, fill_comment, moderator, screenshot
):
    reader = open_page("/")
    email = fill_comment(reader, "Does the evidence differ for older adults?", name="Rae Reader")
    reader.get_by_role("button", name="Post comment").click()
    expect(reader.get_by_role("status")).to_contain_text("will appear after review")

    admin = admin_page(moderator)
    pending = admin.get_by_role("link", name="1 comment awaiting moderation")
    expect(pending).to_be_visible()
    pending.click()
    row = admin.locator("#result_list tbody tr", has_text="Does the evidence differ")
    expect(row).to_contain_text("Pending")
    # Wide enough for the whole queue beside the admin's navigation sidebar.
    admin.set_viewport_size({"width": 1600, "height": 900})
    screenshot(admin, "admin-moderation-queue")
    row.get_by_role("checkbox").check()
    admin.get_by_label("Action:").select_option(label="Approve selected comments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("Approved 1 comment.")

    reader.reload()
    comments = reader.locator("#comments")
    expect(comments.get_by_role("heading", level=2)).to_have_text("Comments (1)")
    expect(comments.locator(".comment-list > li")).to_contain_text("Rae Reader")
    expect(comments.locator(".comment-list > li")).to_contain_text("Does the evidence differ for older adults?")
    assert email not in reader.content()
    assert email.split("@")[0] not in reader.content()


def test_editor_cannot_open_the_moderation_queue(admin_page, editor):
    admin = admin_page(editor)
    expect(admin.get_by_role("link", name=re.compile("awaiting moderation"))).to_have_count(0)
    response = admin.goto("/admin/comments/comment/")
    assert response.status == 403
