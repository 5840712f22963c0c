"""Editors change articles; Moderators and other staff cannot; history can be restored."""

import pytest
from django.urls import reverse

from articles import ordering
from articles.models import Section


def section_change_data(section, **changes):
    data = {
        "article": section.article_id,
        "position": section.position,
        "heading": section.heading,
        "anchor": section.anchor,
        "body": section.body,
    }
    data.update(changes)
    return data


def test_editor_can_change_a_section(editor_client, section):
    url = reverse("admin:articles_section_change", args=[section.pk])
    response = editor_client.post(url, section_change_data(section, body="Edited by an editor."))
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.body == "Edited by an editor."


def test_editor_can_open_the_article_with_its_sections_inline(editor_client, section):
    response = editor_client.get(reverse("admin:articles_article_change", args=[section.article_id]))
    assert response.status_code == 200
    assert "First part" in response.content.decode()


@pytest.mark.parametrize("user_fixture", ["moderator", "staff_user"])
def test_non_editors_cannot_change_a_section(client, request, section, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    url = reverse("admin:articles_section_change", args=[section.pk])
    response = client.post(url, section_change_data(section, body="Vandalised."))
    assert response.status_code == 403
    section.refresh_from_db()
    assert section.body == "Some *text*."


@pytest.mark.parametrize("user_fixture", ["moderator", "staff_user"])
def test_non_editors_cannot_change_an_article(client, request, article, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 403


def test_staff_in_no_group_sees_nothing_to_change_in_the_admin(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:index"))
    assert "You don’t have permission to view or edit anything." in response.content.decode()


def test_every_section_save_keeps_the_previous_version_with_who_and_when(editor_client, editor, section):
    url = reverse("admin:articles_section_change", args=[section.pk])
    editor_client.post(url, section_change_data(section, body="Second version."))
    latest = section.history.first()
    assert section.history.count() == 2
    assert latest.history_user == editor
    assert latest.history_date is not None
    assert section.history.last().body == "Some *text*."


def test_editor_can_see_a_sections_history(editor_client, section):
    response = editor_client.get(reverse("admin:articles_section_history", args=[section.pk]))
    assert response.status_code == 200


def test_editor_can_restore_an_earlier_version(editor_client, section):
    change_url = reverse("admin:articles_section_change", args=[section.pk])
    editor_client.post(change_url, section_change_data(section, body="A mistaken edit."))
    original = section.history.last()
    revert_url = reverse("admin:articles_section_simple_history", args=[section.pk, original.history_id])
    response = editor_client.post(revert_url, section_change_data(section, body=original.body))
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.body == "Some *text*."
    assert "<em>text</em>" in section.body_html


def test_a_section_edit_shows_on_the_public_page_at_the_next_request(client, editor_client, section):
    change_url = reverse("admin:articles_section_change", args=[section.pk])
    client.get(section.article.get_absolute_url())
    editor_client.post(change_url, section_change_data(section, body="Freshly edited text."))
    editor_client.logout()
    assert "Freshly edited text." in client.get(section.article.get_absolute_url()).content.decode()


def test_anchor_is_made_once_and_survives_a_heading_change(section):
    assert section.anchor == "first-part"
    section.heading = "A renamed part"
    section.save()
    section.refresh_from_db()
    assert section.anchor == "first-part"


def test_two_sections_with_the_same_heading_get_distinct_anchors(section):
    twin = Section.objects.create(article=section.article, position=20, heading="First part", body="")
    assert twin.anchor == "first-part-2"


def test_a_heading_that_names_one_of_the_pages_own_ids_gets_another_anchor(article):
    section = Section.objects.create(article=article, position=20, heading="Comments", body="")
    assert section.anchor == "comments-section"


def test_editor_cannot_give_a_section_an_anchor_the_page_uses_itself(editor_client, section):
    url = reverse("admin:articles_section_change", args=[section.pk])
    response = editor_client.post(url, section_change_data(section, anchor="comments"))
    assert response.status_code == 200
    section.refresh_from_db()
    assert section.anchor == "first-part"


def test_saving_a_section_updates_the_articles_last_updated_time(section):
    before = section.article.updated_at
    section.body = "Changed."
    section.save()
    section.article.refresh_from_db()
    assert section.article.updated_at > before


@pytest.fixture
def three_sections(article):
    return [
        Section.objects.create(article=article, position=position, heading=heading, body="")
        for position, heading in ((10, "One"), (20, "Two"), (30, "Three"))
    ]


def headings_in_order(article):
    return list(article.sections.order_by("position", "pk").values_list("heading", flat=True))


def move_action(client, action, sections):
    return client.post(
        reverse("admin:articles_section_changelist"),
        {"action": action, "_selected_action": [section.pk for section in sections]},
    )


def test_the_article_form_links_to_its_sections_for_reordering(editor_client, article):
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert f'{reverse("admin:articles_section_changelist")}?article__id__exact={article.pk}' in page


def test_editor_moves_a_section_up_with_the_admin_action(editor_client, article, three_sections):
    move_action(editor_client, "move_up", three_sections[2:])
    assert headings_in_order(article) == ["One", "Three", "Two"]


def test_editor_moves_two_neighbouring_sections_down_together(editor_client, article, three_sections):
    move_action(editor_client, "move_down", three_sections[:2])
    assert headings_in_order(article) == ["Three", "One", "Two"]


def test_the_first_section_cannot_move_further_up(editor_client, article, three_sections):
    move_action(editor_client, "move_up", three_sections[:1])
    assert headings_in_order(article) == ["One", "Two", "Three"]


def test_moving_sorts_out_sections_that_share_a_position(article):
    first = Section.objects.create(article=article, position=0, heading="A", body="")
    Section.objects.create(article=article, position=0, heading="B", body="")
    ordering.move(first, step=+1)
    assert headings_in_order(article) == ["B", "A"]


def test_moderators_cannot_move_sections(moderator_client, article, three_sections):
    response = move_action(moderator_client, "move_up", three_sections[2:])
    assert response.status_code == 403
    assert headings_in_order(article) == ["One", "Two", "Three"]
