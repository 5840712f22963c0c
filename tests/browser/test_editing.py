"""An editor drafts, previews and publishes; readers see nothing until then."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles import drafts
from articles.models import DraftSection


def change_path(article):
    return f"/admin/articles/article/{article.pk}/change/"


def section_row(page, heading):
    label = page.locator(".inline_label", has_text=re.compile(f"^{re.escape(heading)}$"))
    return page.locator(".inline-related.has_original", has=label)


def open_section(page, heading):
    """Unfold a section by its heading, as an editor clicks it."""
    row = section_row(page, heading)
    row.locator("summary").click()
    return row


def drag(page, source, target):
    """Drag with the mouse in small steps, as a person does: SortableJS starts
    a drag only once the pointer has moved while held down."""
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 10, steps=5)
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 5, steps=30)
    page.mouse.up()


def draft_headings(article):
    return list(DraftSection.objects.filter(article=article).values_list("heading", flat=True))


def test_editor_drafts_a_section_watches_the_live_preview_previews_publishes_and_readers_see_it(
    admin_page, open_page, editor, loaded_article, screenshot, assert_accessible
):
    section = loaded_article.sections.get(position=20)
    admin = admin_page(editor)
    admin.goto(change_path(loaded_article))
    assert_accessible(admin)

    row = open_section(admin, section.heading)
    row.get_by_label("Body").fill("A corrected paragraph, **written** by the editor.\n\n" + section.body)
    preview = row.locator(".section-preview")
    expect(preview.locator("strong", has_text="written")).to_be_visible()
    row.scroll_into_view_if_needed()
    screenshot(row, "editor-live-preview")

    admin.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(admin.locator(".messagelist")).to_contain_text("Readers see the published article until it is published")
    expect(admin.locator(".draft-state")).to_contain_text("Unpublished changes by editor")
    screenshot(admin, "editor-draft-state")

    reader = open_page(loaded_article.get_absolute_url())
    expect(reader.locator(f"section:has(#{section.anchor})")).not_to_contain_text("A corrected paragraph")

    admin.get_by_role("link", name="Preview draft").click()
    expect(admin.locator(".preview-banner")).to_be_visible()
    expect(admin.locator(f"section:has(#{section.anchor})")).to_contain_text("A corrected paragraph")
    screenshot(admin, "draft-preview")
    assert_accessible(admin)

    admin.goto(change_path(loaded_article))
    admin.locator(".draft-state").get_by_role("link", name="Publish…").click()
    admin.get_by_label("What changed").fill("Added a corrected paragraph.")
    admin.get_by_role("button", name="Publish", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("Published")

    reader.reload()
    expect(reader.locator(f"section:has(#{section.anchor})")).to_contain_text("A corrected paragraph")


def test_editor_compares_revisions_and_restores_one_into_the_draft(
    admin_page, open_page, editor, loaded_article, screenshot
):
    section = loaded_article.sections.get(position=20)
    first = drafts.live_revision(loaded_article)
    drafts.draft_of(loaded_article)
    draft_section = DraftSection.objects.get(key=section.key)
    draft_section.body = section.body.replace("Thymosin", "Thymosin (a published change)", 1)
    draft_section.save()
    drafts.record(loaded_article, by=editor)
    drafts.publish(loaded_article, by=editor, note="A published change.")

    admin = admin_page(editor)
    admin.goto(change_path(loaded_article))
    admin.get_by_role("link", name="Revisions").click()
    admin.get_by_role("button", name="Compare the chosen revisions").click()
    expect(admin.locator(".diff-text ins").first).to_contain_text("(a published change)")
    screenshot(admin, "revision-diff")

    admin.go_back()
    admin.get_by_role("link", name=f"Revision {first.number}", exact=True).click()
    admin.get_by_role("button", name="Restore this revision into the draft").click()
    expect(admin.locator(".messagelist")).to_contain_text("into the draft. Readers see it once it is published")
    expect(section_row(admin, section.heading).get_by_label("Body")).to_have_value(section.body)

    reader = open_page(loaded_article.get_absolute_url())
    expect(reader.locator(f"section:has(#{section.anchor})")).to_contain_text("(a published change)")


def test_editor_reorders_by_dragging_and_by_keyboard(admin_page, editor, loaded_article):
    headings = draft_headings(loaded_article) or list(loaded_article.sections.values_list("heading", flat=True))
    admin = admin_page(editor)
    admin.goto(change_path(loaded_article))

    drag(
        admin, section_row(admin, headings[2]).locator("h3").first, section_row(admin, headings[0]).locator("h3").first
    )
    admin.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(admin.locator(".messagelist")).to_contain_text("was saved")
    dragged = draft_headings(loaded_article)
    assert dragged[0] == headings[2]

    move_up = open_section(admin, dragged[1]).get_by_role("button", name=re.compile("^Move up"))
    move_up.focus()
    admin.keyboard.press("Enter")
    expect(admin.locator(".move-status")).to_contain_text("to place 1")
    expect(move_up).to_be_focused()
    admin.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(admin.locator(".messagelist")).to_contain_text("was saved")
    assert draft_headings(loaded_article)[:2] == [dragged[1], dragged[0]]
    assert [s.heading for s in loaded_article.sections.all()] == headings


def test_move_buttons_work_without_javascript(admin_page, open_page, editor, loaded_article):
    headings = list(loaded_article.sections.values_list("heading", flat=True))
    page = open_page("/admin/login/", javascript=False)
    page.get_by_label("Username").fill(editor.get_username())
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.goto(change_path(loaded_article))
    open_section(page, headings[0]).get_by_role("button", name=re.compile("^Move down")).click()
    expect(page.locator(".messagelist")).to_contain_text(f"Moved “{headings[0]}”")
    assert draft_headings(loaded_article)[:2] == [headings[1], headings[0]]


@pytest.fixture
def eve_and_sam(django_user_model, editor):
    def make(name):
        user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
        user.groups.add(*editor.groups.all())
        return user

    return make("eve"), make("sam")


def test_two_editors_changing_different_sections_at_once_keep_both_edits(admin_page, eve_and_sam, loaded_article):
    eve_user, sam_user = eve_and_sam
    first, second = loaded_article.sections.order_by("position")[:2]
    eve, sam = admin_page(eve_user), admin_page(sam_user)
    eve.goto(change_path(loaded_article))
    sam.goto(change_path(loaded_article))

    sam_row = open_section(sam, second.heading).get_by_label("Body")
    sam_row.fill("Sam's paragraph.\n\n" + second.body)
    sam.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(sam.locator(".messagelist")).to_contain_text("was saved")

    open_section(eve, first.heading).get_by_label("Body").fill("Eve's paragraph.\n\n" + first.body)
    eve.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(eve.locator(".messagelist")).to_contain_text("was saved")
    expect(section_row(eve, first.heading).get_by_label("Body")).to_have_value(re.compile("^Eve's paragraph"))
    expect(section_row(eve, second.heading).get_by_label("Body")).to_have_value(re.compile("^Sam's paragraph"))


def test_two_editors_changing_one_section_see_both_texts_and_choose_whose_stays(
    admin_page, eve_and_sam, loaded_article, screenshot, assert_accessible
):
    eve_user, sam_user = eve_and_sam
    section = loaded_article.sections.order_by("position")[1]
    eve, sam = admin_page(eve_user), admin_page(sam_user)
    eve.goto(change_path(loaded_article))
    sam.goto(change_path(loaded_article))

    open_section(sam, section.heading).get_by_label("Body").fill("Sam's text.")
    sam.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(sam.locator(".messagelist")).to_contain_text("was saved")

    open_section(eve, section.heading).get_by_label("Body").fill("Eve's text.")
    eve.get_by_role("button", name="Save draft", exact=True).first.click()
    conflict = eve.get_by_role("group", name=f"Section “{section.heading}”")
    expect(conflict).to_contain_text("Theirs (sam,")
    expect(conflict).to_contain_text("Sam's text.")
    expect(conflict).to_contain_text("Eve's text.")
    expect(section_row(eve, section.heading).get_by_label("Body")).to_have_value("Eve's text.")
    screenshot(eve, "editor-merge-conflict")
    assert_accessible(eve)

    conflict.get_by_label("Replace theirs with yours").check()
    eve.get_by_role("button", name="Save draft", exact=True).first.click()
    expect(eve.locator(".messagelist")).to_contain_text("was saved")
    expect(section_row(eve, section.heading).get_by_label("Body")).to_have_value("Eve's text.")


def test_the_editor_says_who_else_has_the_draft_open_and_keeps_it_current(
    admin_page, eve_and_sam, loaded_article, assert_accessible
):
    eve_user, sam_user = eve_and_sam
    eve = admin_page(eve_user, paused_clock=True)
    eve.goto(change_path(loaded_article))
    expect(eve.locator(".presence-notice")).to_be_hidden()

    sam = admin_page(sam_user)
    sam.goto(change_path(loaded_article))
    expect(sam.get_by_role("status").filter(has_text="eve has had this draft open since")).to_be_visible()
    assert_accessible(sam)

    eve.clock.run_for(31_000)
    expect(eve.get_by_role("status").filter(has_text="sam has had this draft open since")).to_be_visible()


def test_the_full_preview_leads_back_to_the_editor_and_on_to_publish(admin_page, editor, loaded_article):
    admin = admin_page(editor)
    admin.goto(reverse("article_draft_preview", args=[loaded_article.pk]))
    admin.locator(".preview-banner").get_by_role("link", name="Publish…").click()
    expect(admin.get_by_role("button", name="Publish", exact=True)).to_be_visible()
    admin.go_back()
    admin.locator(".preview-banner").get_by_role("link", name="Back to the editor").click()
    expect(admin).to_have_url(re.compile(change_path(loaded_article) + "$"))


def test_editor_is_told_which_line_to_rewrite_and_how_and_nothing_is_saved(
    admin_page, open_page, editor, loaded_article
):
    section = loaded_article.sections.get(position=20)
    admin = admin_page(editor)
    admin.goto(change_path(loaded_article))
    row = open_section(admin, section.heading)
    row.get_by_label("Body").fill("A new paragraph.\n\n## Warning signs\n\nRead <b>below</b>.")
    # The live preview shows the refusal as it will be given on saving.
    expect(row.locator(".section-preview")).to_contain_text("Line 3: “##” headings are the page's own")
    admin.get_by_role("button", name="Save draft", exact=True).first.click()
    errors = section_row(admin, section.heading).locator(".errorlist")
    expect(errors).to_contain_text("Line 3: “##” headings are the page's own")
    expect(errors).to_contain_text("write “### ” for a sub-heading")
    expect(errors).to_contain_text("Line 5: HTML such as <b> is not allowed: write **bold text** instead.")
    assert DraftSection.objects.get(key=section.key).body == section.body

    reader = open_page(loaded_article.get_absolute_url())
    expect(reader.locator(f"section:has(#{section.anchor})")).not_to_contain_text("A new paragraph.")


def test_the_urgent_safety_sentence_stands_out_as_a_warning(open_page, screenshot, loaded_article):
    for scheme in ("light", "dark"):
        page = open_page(loaded_article.get_absolute_url(), color_scheme=scheme, width=375)
        callout = page.get_by_role("note")
        expect(callout).to_contain_text("Warning")
        expect(callout).to_contain_text("seek urgent medical attention.")
        screenshot(callout, f"warning-callout-375-{scheme}")
