"""An editor changes the article in the admin and can take the change back."""

import re

from playwright.sync_api import expect


def test_editor_changes_a_section_sees_it_at_once_and_restores_the_previous_text(
    admin_page, open_page, editor, loaded_article
):
    section = loaded_article.sections.get(position=20)
    old_sentence = section.body.split("\n")[0]
    admin = admin_page(editor)

    admin.goto(f"/admin/articles/section/{section.pk}/change/")
    body = admin.get_by_label("Body")
    body.fill("A corrected paragraph, written by the editor.\n\n" + section.body)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")

    reader = open_page(loaded_article.get_absolute_url())
    expect(reader.locator(f"section:has(#{section.anchor})")).to_contain_text("A corrected paragraph")

    admin.goto(f"/admin/articles/section/{section.pk}/change/")
    admin.get_by_role("link", name="History").click()
    admin.locator("#change-history tbody tr").last.get_by_role("link").click()
    expect(admin.get_by_label("Body")).to_have_value(section.body)
    admin.get_by_role("button", name="Revert").click()
    expect(admin).to_have_url(re.compile(r"/admin/articles/section/(\?.*)?$"))
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")

    reader.reload()
    section_text = reader.locator(f"section:has(#{section.anchor})")
    expect(section_text).not_to_contain_text("A corrected paragraph")
    expect(section_text).to_contain_text(old_sentence[:60])


def test_editor_is_told_which_line_to_rewrite_and_how_and_nothing_is_saved(admin_page, open_page, editor, loaded_article):
    section = loaded_article.sections.get(position=20)
    admin = admin_page(editor)
    admin.goto(f"/admin/articles/section/{section.pk}/change/")
    admin.get_by_label("Body").fill("A new paragraph.\n\n## Warning signs\n\nRead <b>below</b>.")
    admin.get_by_role("button", name="Save", exact=True).click()
    errors = admin.locator(".errorlist")
    expect(errors).to_contain_text("Line 3: “##” headings are the page's own")
    expect(errors).to_contain_text("write “### ” for a sub-heading")
    expect(errors).to_contain_text("Line 5: HTML such as <b> is not allowed: write **bold text** instead.")

    reader = open_page(loaded_article.get_absolute_url())
    expect(reader.locator(f"section:has(#{section.anchor})")).not_to_contain_text("A new paragraph.")


def test_the_urgent_safety_sentence_stands_out_as_a_warning(open_page, screenshot, loaded_article):
    for scheme in ("light", "dark"):
        page = open_page(loaded_article.get_absolute_url(), color_scheme=scheme, width=375)
        callout = page.get_by_role("note")
        expect(callout).to_contain_text("Warning")
        expect(callout).to_contain_text("seek urgent medical attention.")
        screenshot(callout, f"warning-callout-375-{scheme}")
