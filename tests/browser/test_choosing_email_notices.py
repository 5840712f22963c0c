"""A moderator asks to be emailed about comments held as spam, from the admin."""

from playwright.sync_api import expect

from comments.models import ModeratorNotices


def test_a_moderator_turns_on_emails_about_held_spam_without_javascript(admin_page, moderator):
    admin = admin_page(moderator, javascript=False)
    admin.get_by_role("link", name="Your email notices").click()
    box = admin.get_by_label("Email me about comments held as spam")
    expect(box).not_to_be_checked()
    box.check()
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator(".messagelist")).to_have_text("Saved: you will be emailed about comments held as spam.")
    expect(admin.get_by_label("Email me about comments held as spam")).to_be_checked()
    admin.reload()
    expect(admin.locator(".messagelist")).to_have_count(0)
    assert ModeratorNotices.objects.get(user=moderator).held_spam


def test_the_email_notices_page_opened_from_the_queue_is_accessible(admin_page, moderator, assert_accessible):
    admin = admin_page(moderator)
    admin.goto("/admin/comments/comment/")
    admin.locator(".object-tools").get_by_role("link", name="Your email notices").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Your email notices")
    assert_accessible(admin)
