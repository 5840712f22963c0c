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
