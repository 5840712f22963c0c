"""A moderator takes a phone number and a shop's link out of a useful comment,
approves it, and readers see the corrected text marked as edited."""

import re

import pytest
from playwright.sync_api import expect

from comments import counts
from comments.models import Comment

PHONE = "Which dose did the trials use? Call me on 0123 456 789 or buy it at https://shop.example/ta1."
CORRECTED = "Which dose did the trials use?"


@pytest.fixture
def shop_comment(site, loaded_article):
    comment = Comment.objects.create(article=loaded_article, name="Sam Seller", email="sam@example.org", body=PHONE)
    # Written past the services that keep the queue's counts.
    counts.recount(loaded_article)
    return comment


def test_a_moderator_corrects_a_comment_approves_it_and_readers_see_it_marked_as_edited(
    admin_page, open_page, moderator, shop_comment, assert_accessible, screenshot
):
    admin = admin_page(moderator)
    admin.get_by_role("link", name="1 comment awaiting moderation").click()
    admin.get_by_role("link", name="Edit the comment by Sam Seller").click()
    admin.wait_for_url(re.compile(rf"/admin/comments/comment/{shop_comment.pk}/change/$"))
    text = admin.get_by_label("Text")
    expect(text).to_have_value(PHONE)
    assert_accessible(admin)
    text.fill(CORRECTED)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")

    entry = admin.locator("[data-queue-entry]", has_text="Sam Seller")
    expect(entry.locator(".queue-entry__body")).to_have_text(CORRECTED)
    entry.get_by_role("button", name="Approve").click()
    expect(entry.locator("[data-queue-status-label]")).to_have_text("Approved")

    admin.goto(f"/admin/comments/comment/{shop_comment.pk}/change/")
    history = admin.locator(".decision-history")
    expect(history).to_contain_text(f"Text corrected, by {moderator}")
    expect(history.locator("blockquote")).to_have_text(PHONE)
    screenshot(admin, "comment-corrected-admin")
    assert_accessible(admin)

    reader = open_page("/")
    comment = reader.locator(f"#comment-{shop_comment.pk}")
    expect(comment).to_contain_text(CORRECTED)
    expect(comment.locator("header")).to_contain_text("Edited by the site team")
    expect(reader.locator("#comments")).not_to_contain_text("0123 456 789")
    expect(reader.locator("#comments")).not_to_contain_text("shop.example")
    comment.scroll_into_view_if_needed()
    screenshot(comment, "comment-edited-by-the-site-team")
    assert_accessible(reader)


def test_a_refused_correction_keeps_the_typed_text_with_the_reason(admin_page, moderator, shop_comment):
    admin = admin_page(moderator)
    admin.goto(f"/admin/comments/comment/{shop_comment.pk}/change/")
    typed = "Too long. " * 201
    admin.get_by_label("Text").fill(typed)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".errorlist")).to_contain_text("Comments can be at most 2000 characters (you wrote 2009).")
    expect(admin.get_by_label("Text")).to_have_value(typed)


def test_approving_on_the_comments_page_saves_the_text_typed_there(admin_page, open_page, moderator, shop_comment):
    admin = admin_page(moderator)
    admin.goto(f"/admin/comments/comment/{shop_comment.pk}/change/")
    admin.get_by_label("Text").fill(CORRECTED)
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator(".messagelist")).to_contain_text("Approved: the comment by Sam Seller.")

    reader = open_page("/")
    comment = reader.locator(f"#comment-{shop_comment.pk}")
    expect(comment.locator("header")).to_contain_text("Edited by the site team")
    expect(comment.locator("p")).to_have_text(CORRECTED)
