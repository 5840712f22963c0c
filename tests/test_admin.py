"""Editors change articles; Moderators and other staff cannot."""

import pytest
from django.urls import NoReverseMatch, reverse

from articles.models import Section


def test_editor_can_open_the_article_with_its_sections_inline(editor_client, section):
    response = editor_client.get(reverse("admin:articles_article_change", args=[section.article_id]))
    assert response.status_code == 200
    assert "First part" in response.content.decode()


def test_the_address_field_explains_itself_in_words_the_admin_shows_whole(editor_client, article):
    # The admin writes help texts as HTML: a placeholder like <slug> vanished from it.
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "The part of the article's address after /articles/. Changing it breaks links to it." in page


@pytest.mark.parametrize("user_fixture", ["moderator", "staff_user"])
def test_non_editors_cannot_open_an_article(client, request, article, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("user_fixture", ["moderator", "staff_user"])
@pytest.mark.parametrize(
    "name",
    [
        "admin:articles_article_publish",
        "admin:articles_article_discard",
        "admin:articles_article_revisions",
        "article_draft_preview",
    ],
)
def test_non_editors_cannot_reach_the_editing_pages(client, request, article, user_fixture, name):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse(name, args=[article.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("user_fixture", ["moderator", "staff_user"])
def test_non_editors_cannot_use_the_live_preview(client, request, db, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(reverse("admin:articles_article_preview_section"), {"body": "Hello"})
    assert response.status_code == 403


def test_the_live_preview_is_for_staff_only(client):
    response = client.post(reverse("admin:articles_article_preview_section"), {"body": "Hello"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_in_no_group_sees_nothing_to_change_in_the_admin(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:index"))
    assert "You don’t have permission to view or edit anything." in response.content.decode()


def test_published_sections_have_no_form_of_their_own(editor_client):
    with pytest.raises(NoReverseMatch):
        reverse("admin:articles_section_changelist")


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
