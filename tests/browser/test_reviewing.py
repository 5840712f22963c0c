"""A reviewer records a review in the admin, and readers see its dates."""

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date
from playwright.sync_api import expect

from articles import drafts
from articles.models import DraftSection


def test_reviewer_marks_the_article_as_reviewed_and_readers_see_the_dates(
    admin_page, open_page, screenshot, reviewer, loaded_article
):
    reader = open_page(loaded_article.get_absolute_url())
    expect(reader.locator(".article__header")).not_to_contain_text("Last reviewed")

    admin = admin_page(reviewer)
    expect(admin.locator(".reviews-due")).to_contain_text(f"{loaded_article.title}: never reviewed")
    admin.goto(f"/admin/articles/article/{loaded_article.pk}/change/")
    admin.get_by_role("link", name="Mark as reviewed").click()
    admin.get_by_label("Note").fill("Checked every section against the reviews it cites.")
    expect(admin.get_by_label("Next review due")).not_to_have_value("")
    screenshot(admin, "admin-mark-as-reviewed")
    admin.get_by_role("button", name="Mark as reviewed").click()
    expect(admin.locator(".messagelist")).to_contain_text("marked as reviewed today")
    expect(admin.locator("#reviews-group")).to_contain_text("Checked every section against the reviews it cites.")

    reader.reload()
    today = format_date(timezone.localdate(), "j F Y")
    expect(reader.locator(".article__header")).to_contain_text(f"Last reviewed {today}")
    expect(reader.locator(".article__header")).to_contain_text("Next review due")


def test_a_reviewer_sees_the_articles_editor_without_saving_or_discarding_the_draft(
    admin_page, reviewer, editor, loaded_article
):
    drafts.draft_of(loaded_article)
    section = DraftSection.objects.filter(article=loaded_article).first()
    section.heading = "A heading changed in the draft"
    section.save()
    with transaction.atomic():
        drafts.record(loaded_article, by=editor)
    admin = admin_page(reviewer)
    admin.goto(f"/admin/articles/article/{loaded_article.pk}/change/")
    expect(admin.locator(".draft-state")).to_contain_text("Unpublished changes")
    expect(admin.get_by_role("link", name="Preview the draft")).to_be_visible()
    expect(admin.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(admin.get_by_role("link", name="Discard the changes…")).to_have_count(0)
