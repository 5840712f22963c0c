"""Editors work on a draft; readers see the published article until someone publishes."""

import io
import re

import pytest
from article_form import PREFIX, form_data
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from articles import drafts
from articles.models import Article, Draft, DraftSection, Revision, Section


@pytest.fixture
def three_sections(article):
    for position, heading in ((10, "One"), (20, "Two"), (30, "Three")):
        Section.objects.create(article=article, position=position, heading=heading, body=f"Text of {heading.lower()}.")
    drafts.draft_of(article)
    return article


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def draft_row(article, heading):
    return DraftSection.objects.get(article=article, heading=heading)


def row_index(article, heading):
    return [s.heading for s in DraftSection.objects.filter(article=article)].index(heading)


def what_readers_get(article):
    """The article as the page shows it, without the per-visitor CSRF token and form timestamp."""
    page = Client().get(article.get_absolute_url()).content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'name="timestamp" value="[^"]+"', "", page)


def published_headings(article):
    return list(article.sections.order_by("position", "pk").values_list("heading", flat=True))


def draft_headings(article):
    return list(DraftSection.objects.filter(article=article).values_list("heading", flat=True))


# Saving the draft


def test_saving_the_article_form_changes_the_draft_and_not_the_published_article(editor_client, three_sections):
    article = three_sections
    index = row_index(article, "Two")
    response = editor_client.post(change_url(article), form_data(article, **{f"{PREFIX}-{index}-body": "New text."}))
    assert response.status_code == 302
    assert draft_row(article, "Two").body == "New text."
    assert article.sections.get(heading="Two").body == "Text of two."


def test_readers_get_the_same_bytes_until_the_draft_is_published(editor_client, editor, three_sections):
    article = three_sections
    before = what_readers_get(article)
    index = row_index(article, "Two")
    editor_client.post(
        change_url(article), form_data(article, title="A new title", **{f"{PREFIX}-{index}-body": "Draft."})
    )
    assert what_readers_get(article) == before
    drafts.publish(article, by=editor)
    after = what_readers_get(article)
    assert "A new title" in after and "Draft." in after


def test_a_saved_draft_shows_who_changed_it_and_since_when(editor_client, editor, three_sections):
    article = three_sections
    editor_client.post(change_url(article), form_data(article, summary="Changed summary."))
    draft = Draft.objects.get(article=article)
    assert draft.has_unpublished_changes
    assert draft.changed_by == editor
    listing = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Unpublished changes by editor since" in listing


def test_a_draft_saved_back_to_the_published_text_has_no_unpublished_changes(editor_client, three_sections):
    article = three_sections
    editor_client.post(change_url(article), form_data(article, summary="Changed."))
    editor_client.post(change_url(article), form_data(article, summary="A short summary."))
    assert not Draft.objects.get(article=article).has_unpublished_changes


def test_every_save_keeps_a_revision_with_who_and_when(editor_client, editor, three_sections):
    article = three_sections
    editor_client.post(change_url(article), form_data(article, summary="Changed."))
    revision = article.revisions.first()
    assert revision.created_by == editor
    assert revision.published_at is None
    assert revision.content["article"]["summary"] == "Changed."


def test_a_new_section_added_inline_is_in_the_draft_only(editor_client, three_sections):
    article = three_sections
    rows = list(DraftSection.objects.filter(article=article)) + [
        DraftSection(heading="Four", body="Fourth.", position=0)
    ]
    editor_client.post(change_url(article), form_data(article, sections=rows))
    assert draft_headings(article) == ["One", "Two", "Three", "Four"]
    assert published_headings(article) == ["One", "Two", "Three"]


def test_a_section_removed_inline_stays_published_until_publish(editor_client, editor, three_sections):
    article = three_sections
    index = row_index(article, "Two")
    editor_client.post(change_url(article), form_data(article, **{f"{PREFIX}-{index}-DELETE": "on"}))
    assert draft_headings(article) == ["One", "Three"]
    assert published_headings(article) == ["One", "Two", "Three"]
    drafts.publish(article, by=editor)
    assert published_headings(article) == ["One", "Three"]


def test_reordering_by_position_numbers_changes_the_draft_order_only(editor_client, three_sections):
    """What a drag and drop posts: the sections' new positions."""
    article = three_sections
    rows = list(DraftSection.objects.filter(article=article))
    changes = {f"{PREFIX}-{i}-position": position for i, position in enumerate((3, 1, 2))}
    editor_client.post(change_url(article), form_data(article, sections=rows, **changes))
    assert draft_headings(article) == ["Two", "Three", "One"]
    assert published_headings(article) == ["One", "Two", "Three"]
    assert list(DraftSection.objects.filter(article=article).values_list("position", flat=True)) == [10, 20, 30]


@pytest.mark.parametrize(
    ("heading", "direction", "order"),
    [
        ("Three", "up", ["One", "Three", "Two"]),
        ("One", "down", ["Two", "One", "Three"]),
        ("One", "up", ["One", "Two", "Three"]),
    ],
)
def test_move_buttons_move_a_section_one_place_in_the_draft(editor_client, three_sections, heading, direction, order):
    article = three_sections
    index = row_index(article, heading)
    response = editor_client.post(change_url(article), form_data(article, _move=f"{PREFIX}-{index}:{direction}"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#section-{draft_row(article, heading).key}")
    assert draft_headings(article) == order
    assert published_headings(article) == ["One", "Two", "Three"]


def test_moving_the_first_section_up_says_it_is_already_first(editor_client, three_sections):
    article = three_sections
    index = row_index(article, "One")
    response = editor_client.post(change_url(article), form_data(article, _move=f"{PREFIX}-{index}:up"), follow=True)
    assert "“One” is already first. The draft is saved." in response.content.decode()


def test_move_to_position_puts_a_section_there_in_one_step_and_says_where(editor_client, three_sections):
    article = three_sections
    index = row_index(article, "Three")
    response = editor_client.post(
        change_url(article), form_data(article, _move=f"{PREFIX}-{index}:to", **{f"{PREFIX}-{index}-move-to": "1"})
    )
    assert draft_headings(article) == ["Three", "One", "Two"]
    assert response["Location"].endswith(f"#section-{draft_row(article, 'Three').key}")


def test_move_to_a_position_past_the_end_moves_a_section_last(three_sections):
    assert drafts.move(draft_row(three_sections, "One"), to=99)
    assert draft_headings(three_sections) == ["Two", "Three", "One"]


def test_move_to_the_position_a_section_holds_says_it_is_already_there(editor_client, three_sections):
    article = three_sections
    index = row_index(article, "Two")
    response = editor_client.post(
        change_url(article),
        form_data(article, _move=f"{PREFIX}-{index}:to", **{f"{PREFIX}-{index}-move-to": "2"}),
        follow=True,
    )
    assert "“Two” is already at position 2. The draft is saved" in response.content.decode()


def test_saving_a_draft_that_did_not_change_adds_no_revision(editor_client, three_sections):
    article = three_sections
    editor_client.post(change_url(article), form_data(article, title="Retitled"))
    count = article.revisions.count()
    editor_client.post(change_url(article), form_data(article))
    assert article.revisions.count() == count


def test_a_move_keeps_the_other_changes_on_the_page(editor_client, three_sections):
    article = three_sections
    index = row_index(article, "Two")
    editor_client.post(
        change_url(article),
        form_data(article, _move=f"{PREFIX}-{index}:up", **{f"{PREFIX}-{index}-body": "Typed before moving."}),
    )
    assert draft_headings(article) == ["Two", "One", "Three"]
    assert draft_row(article, "Two").body == "Typed before moving."


def test_two_sections_given_one_anchor_are_refused(editor_client, three_sections):
    article = three_sections
    response = editor_client.post(change_url(article), form_data(article, **{f"{PREFIX}-1-anchor": "one"}))
    assert response.status_code == 200
    assert "Two sections have the same anchor" in response.content.decode()
    assert draft_row(article, "Two").anchor == "two"


def test_an_anchor_the_page_uses_itself_is_refused(editor_client, three_sections):
    article = three_sections
    response = editor_client.post(change_url(article), form_data(article, **{f"{PREFIX}-0-anchor": "comments"}))
    assert response.status_code == 200
    assert draft_row(article, "One").anchor == "one"


def test_anchors_survive_drafting_reordering_and_publishing(editor_client, editor, three_sections):
    article = three_sections
    index = row_index(article, "Three")
    editor_client.post(
        change_url(article),
        form_data(article, _move=f"{PREFIX}-{index}:up", **{f"{PREFIX}-{index}-heading": "Three renamed"}),
    )
    drafts.publish(article, by=editor)
    assert list(article.sections.values_list("anchor", flat=True)) == ["one", "three", "two"]


def test_a_new_article_is_not_shown_to_readers_until_it_is_published(editor_client, editor, db):
    data = {
        "title": "Brand new",
        "slug": "brand-new",
        "summary": "New.",
        "is_published": "on",
        "disclaimer": "D.",
        f"{PREFIX}-TOTAL_FORMS": 1,
        f"{PREFIX}-INITIAL_FORMS": 0,
        f"{PREFIX}-MIN_NUM_FORMS": 0,
        f"{PREFIX}-MAX_NUM_FORMS": 1000,
        f"{PREFIX}-0-heading": "Opening",
        f"{PREFIX}-0-body": "Hello.",
        "reviews-TOTAL_FORMS": 0,
        "reviews-INITIAL_FORMS": 0,
        f"{PREFIX}-0-position": 1,
    }
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(slug="brand-new")
    assert Client().get("/articles/brand-new/").status_code == 404
    drafts.publish(article, by=editor)
    assert "Hello." in Client().get("/articles/brand-new/").content.decode()


# Two editors at once


@pytest.fixture
def other_client(django_user_model):
    """A second editor, Sam, saving while the editor's page is open."""
    sam = django_user_model.objects.create_user("sam", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(sam)
    return client


def body_field(article, heading):
    return f"{PREFIX}-{row_index(article, heading)}-body"


def test_a_save_keeps_another_editors_change_to_a_different_section(editor_client, other_client, three_sections):
    article = three_sections
    mine = form_data(article, **{body_field(article, "One"): "Mine."})
    other_client.post(change_url(article), form_data(article, **{body_field(article, "Three"): "Theirs."}))
    assert editor_client.post(change_url(article), mine).status_code == 302
    assert draft_row(article, "One").body == "Mine."
    assert draft_row(article, "Three").body == "Theirs."


def test_a_save_keeps_another_editors_change_to_a_different_field(editor_client, other_client, three_sections):
    article = three_sections
    mine = form_data(article, title="My title")
    other_client.post(change_url(article), form_data(article, summary="Their summary."))
    assert editor_client.post(change_url(article), mine).status_code == 302
    draft = Draft.objects.get(article=article)
    assert (draft.title, draft.summary) == ("My title", "Their summary.")


def test_a_section_both_changed_is_refused_showing_their_text_with_who_and_when(
    editor_client, other_client, three_sections
):
    article = three_sections
    mine = form_data(article, **{body_field(article, "Two"): "Mine."})
    other_client.post(change_url(article), form_data(article, **{body_field(article, "Two"): "Theirs."}))
    response = editor_client.post(change_url(article), mine)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not saved:</strong> sam saved the draft at" in page
    assert "Theirs." in page and "Mine." in page
    assert draft_row(article, "Two").body == "Theirs."


def test_choosing_mine_replaces_their_text_there_and_keeps_their_other_changes(
    editor_client, other_client, three_sections
):
    article = three_sections
    mine = form_data(article, **{body_field(article, "Two"): "Mine."})
    other_client.post(
        change_url(article),
        form_data(article, **{body_field(article, "Two"): "Theirs.", body_field(article, "Three"): "Theirs too."}),
    )
    refused = editor_client.post(change_url(article), mine)
    merged = refused.context["merged"]
    key = str(draft_row(article, "Two").key)
    again = dict(mine, merge_against=merged.theirs.pk, **{f"merge-{key}": "mine"})
    assert editor_client.post(change_url(article), again).status_code == 302
    assert draft_row(article, "Two").body == "Mine."
    assert draft_row(article, "Three").body == "Theirs too."


def test_choosing_theirs_keeps_their_text(editor_client, other_client, three_sections):
    article = three_sections
    mine = form_data(article, summary="Mine.")
    other_client.post(change_url(article), form_data(article, summary="Theirs."))
    refused = editor_client.post(change_url(article), mine)
    again = dict(mine, merge_against=refused.context["merged"].theirs.pk, **{"merge-summary": "theirs"})
    assert editor_client.post(change_url(article), again).status_code == 302
    assert Draft.objects.get(article=article).summary == "Theirs."


def test_a_choice_made_against_an_older_save_is_asked_again(editor_client, other_client, three_sections):
    article = three_sections
    mine = form_data(article, summary="Mine.")
    other_client.post(change_url(article), form_data(article, summary="Theirs."))
    refused = editor_client.post(change_url(article), mine)
    other_client.post(change_url(article), form_data(article, summary="Theirs again."))
    again = dict(mine, merge_against=refused.context["merged"].theirs.pk, **{"merge-summary": "mine"})
    assert editor_client.post(change_url(article), again).status_code == 200
    assert Draft.objects.get(article=article).summary == "Theirs again."


def test_sections_added_and_deleted_on_either_side_merge(editor_client, other_client, three_sections):
    article = three_sections
    rows = list(DraftSection.objects.filter(article=article))
    mine = form_data(article, sections=rows + [DraftSection(heading="Mine new", body="Added by me.", position=25)])
    other_client.post(change_url(article), form_data(article, **{f"{PREFIX}-{row_index(article, 'One')}-DELETE": "on"}))
    assert editor_client.post(change_url(article), mine).status_code == 302
    assert draft_headings(article) == ["Two", "Mine new", "Three"]


def test_a_section_they_deleted_and_i_changed_is_a_conflict(editor_client, other_client, three_sections):
    article = three_sections
    mine = form_data(article, **{body_field(article, "One"): "Mine."})
    other_client.post(change_url(article), form_data(article, **{f"{PREFIX}-{row_index(article, 'One')}-DELETE": "on"}))
    response = editor_client.post(change_url(article), mine)
    assert response.status_code == 200
    assert "They deleted it." in response.content.decode()


def test_their_reordering_stays_when_i_only_edit_text(editor_client, other_client, three_sections):
    article = three_sections
    mine = form_data(article, **{body_field(article, "Two"): "Mine."})
    other_client.post(change_url(article), form_data(article, _move=f"{PREFIX}-{row_index(article, 'Three')}:up"))
    assert editor_client.post(change_url(article), mine).status_code == 302
    assert draft_headings(article) == ["One", "Three", "Two"]
    assert draft_row(article, "Two").body == "Mine."


def test_my_reordering_applies_to_the_sections_we_both_have(editor_client, other_client, three_sections):
    article = three_sections
    mine = form_data(article, **{f"{PREFIX}-{row_index(article, 'One')}-position": 99})
    other_client.post(change_url(article), form_data(article, _move=f"{PREFIX}-{row_index(article, 'Three')}:up"))
    assert editor_client.post(change_url(article), mine).status_code == 302
    assert draft_headings(article) == ["Two", "Three", "One"]


def test_a_merged_save_is_kept_as_a_revision_naming_the_one_it_was_merged_with(
    editor_client, other_client, three_sections
):
    article = three_sections
    mine = form_data(article, title="My title")
    other_client.post(change_url(article), form_data(article, summary="Their summary."))
    theirs = article.revisions.first()
    editor_client.post(change_url(article), mine)
    assert article.revisions.first().note == f"Saved over revision {theirs.number} by sam, keeping both changes."


# Publish and discard


def test_publish_applies_every_change_and_keeps_a_published_revision(editor_client, editor, three_sections):
    article = three_sections
    index = row_index(article, "One")
    editor_client.post(
        change_url(article),
        form_data(
            article, title="Retitled", _move=f"{PREFIX}-{index}:down", **{f"{PREFIX}-{index}-body": "New *one*."}
        ),
    )
    response = editor_client.post(
        reverse("admin:articles_article_publish", args=[article.pk]), {"note": "Reworded one."}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Retitled"
    assert published_headings(article) == ["Two", "One", "Three"]
    assert article.sections.get(heading="One").body_html == "<p>New <em>one</em>.</p>\n"
    revision = article.revisions.publications().first()
    assert (revision.created_by, revision.note) == (editor, "Reworded one.")
    assert not Draft.objects.get(article=article).has_unpublished_changes


def test_a_note_too_long_is_refused_and_kept_and_nothing_is_published(editor_client, three_sections):
    article = three_sections
    before = article.revisions.publications().count()
    note = "A" * 301
    response = editor_client.post(reverse("admin:articles_article_publish", args=[article.pk]), {"note": note})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Keep the note to 300 characters (it has 301)." in page
    assert f'value="{note}"' in page
    assert article.revisions.publications().count() == before


def test_publish_moves_the_pages_version(editor, three_sections):
    article = three_sections
    before = Article.objects.get(pk=article.pk).updated_at
    drafts.publish(article, by=editor)
    assert Article.objects.get(pk=article.pk).updated_at > before


def test_publishing_needs_the_publish_permission(client, django_user_model, three_sections):
    writer = django_user_model.objects.create_user("writer", is_staff=True)
    writer.user_permissions.add(*Permission.objects.filter(codename__in=("change_article", "view_article")))
    client.force_login(writer)
    response = client.post(reverse("admin:articles_article_publish", args=[three_sections.pk]))
    assert response.status_code == 403


def test_a_draft_that_takes_another_articles_address_is_not_published(editor_client, editor, three_sections):
    article = three_sections
    Article.objects.create(title="Other", slug="taken", summary="S.", disclaimer="D.")
    Draft.objects.filter(article=article).update(slug="taken")
    response = editor_client.post(reverse("admin:articles_article_publish", args=[article.pk]))
    assert response.status_code == 200
    assert "already has the address" in response.content.decode()
    assert Article.objects.get(pk=article.pk).slug == "a-test-article"


def test_discard_returns_the_draft_to_the_published_article(editor_client, three_sections):
    article = three_sections
    editor_client.post(change_url(article), form_data(article, title="Unwanted", **{f"{PREFIX}-0-DELETE": "on"}))
    response = editor_client.post(reverse("admin:articles_article_discard", args=[article.pk]))
    assert response.status_code == 302
    draft = Draft.objects.get(article=article)
    assert draft.title == "A test article"
    assert draft_headings(article) == ["One", "Two", "Three"]
    assert not draft.has_unpublished_changes


def test_publish_takes_a_handful_of_queries(editor, three_sections, django_assert_max_num_queries):
    article = three_sections
    drafts.draft_of(article)
    with django_assert_max_num_queries(20):
        revision = drafts.publish(article, by=editor)
    assert revision.published_at is not None


# Revisions


def test_restoring_a_revision_puts_it_in_the_draft_not_on_the_site(editor_client, editor, three_sections):
    article = three_sections
    first = drafts.live_revision(article)
    editor_client.post(change_url(article), form_data(article, **{f"{PREFIX}-0-body": "Second version."}))
    drafts.publish(article, by=editor)
    response = editor_client.post(reverse("admin:articles_article_revision", args=[article.pk, first.pk]))
    assert response.status_code == 302
    assert draft_row(article, "One").body == "Text of one."
    assert article.sections.get(heading="One").body == "Second version."


def test_restoring_one_section_keeps_the_order_of_the_others(editor_client, three_sections):
    article = three_sections
    first = drafts.live_revision(article)
    index = row_index(article, "One")
    editor_client.post(change_url(article), form_data(article, **{f"{PREFIX}-{index}-body": "Changed one."}))
    index = row_index(article, "Three")
    editor_client.post(change_url(article), form_data(article, _move=f"{PREFIX}-{index}:up"))
    key = str(draft_row(article, "One").key)
    editor_client.post(reverse("admin:articles_article_revision", args=[article.pk, first.pk]), {"section": key})
    assert draft_headings(article) == ["One", "Three", "Two"]
    assert draft_row(article, "One").body == "Text of one."
    positions = list(DraftSection.objects.filter(article=article).values_list("position", flat=True))
    assert len(set(positions)) == len(positions)


def test_restoring_a_removed_section_brings_it_back_after_the_one_it_followed(editor_client, three_sections):
    article = three_sections
    first = drafts.live_revision(article)
    key = str(draft_row(article, "Two").key)
    editor_client.post(
        change_url(article), form_data(article, **{f"{PREFIX}-{row_index(article, 'Two')}-DELETE": "on"})
    )
    editor_client.post(reverse("admin:articles_article_revision", args=[article.pk, first.pk]), {"section": key})
    assert draft_headings(article) == ["One", "Two", "Three"]


def test_the_comparison_shows_words_inserted_and_deleted(editor_client, three_sections):
    article = three_sections
    old = drafts.live_revision(article)
    editor_client.post(change_url(article), form_data(article, **{f"{PREFIX}-1-body": "Text of the second."}))
    new = article.revisions.first()
    url = reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={old.pk}&b={new.pk}"
    page = editor_client.get(url).content.decode()
    assert "<del>two</del><ins>the second</ins>" in page.replace("\n", "")
    assert "Text of" in page


def test_the_comparison_shows_a_moved_section_as_a_move(editor_client, three_sections):
    article = three_sections
    old = drafts.live_revision(article)
    editor_client.post(change_url(article), form_data(article, _move=f"{PREFIX}-{row_index(article, 'Three')}:up"))
    url = reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={old.pk}&b={article.revisions.first().pk}"
    page = editor_client.get(url).content.decode()
    assert "Moved from place 3 to place 2." in page
    assert 'class="diff-text"' not in page


@pytest.mark.parametrize("query", ["", "?a=x&b=1", "?a=99999&b=99999"])
def test_comparing_revisions_that_do_not_exist_is_not_found(editor_client, three_sections, query):
    url = reverse("admin:articles_article_compare", args=[three_sections.pk]) + query
    assert editor_client.get(url).status_code == 404


def test_the_revisions_page_lists_every_revision(editor_client, three_sections):
    article = three_sections
    editor_client.post(change_url(article), form_data(article, summary="Changed."))
    page = editor_client.get(reverse("admin:articles_article_revisions", args=[article.pk])).content.decode()
    for revision in Revision.objects.filter(article=article):
        assert f"Revision {revision.number}</a>" in page


def test_each_articles_revisions_are_numbered_from_one(editor_client, three_sections):
    article = three_sections
    other = Article.objects.create(title="Other", slug="other", summary="S.", disclaimer="D.")
    drafts.draft_of(other)
    for summary in ("Changed.", "Changed again."):
        editor_client.post(change_url(article), form_data(article, summary=summary))
    assert list(article.revisions.order_by("pk").values_list("number", flat=True)) == [1, 2, 3]
    assert list(other.revisions.values_list("number", flat=True)) == [1]


def test_a_number_another_save_took_meanwhile_is_not_given_twice(three_sections, monkeypatch):
    article = three_sections
    taken = Revision.objects.create(article=article, content={}, number=2)
    highest = iter([{"n": 1}])
    aggregate = QuerySet.aggregate
    # The first look at the highest number is as it was before the other save.
    monkeypatch.setattr(QuerySet, "aggregate", lambda qs, **kw: next(highest, None) or aggregate(qs, **kw))
    revision = Revision.objects.create(article=article, content={})
    assert (taken.number, revision.number) == (2, 3)


def test_the_comparison_and_a_revisions_page_name_revisions_by_their_number(editor_client, three_sections):
    article = three_sections
    first = drafts.live_revision(article)
    editor_client.post(change_url(article), form_data(article, summary="Changed."))
    second = article.revisions.first()
    compare = reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={first.pk}&b={second.pk}"
    page = editor_client.get(compare).content.decode()
    assert ">revision 1</a>" in page and ">revision 2</a>" in page
    page = editor_client.get(reverse("admin:articles_article_revision", args=[article.pk, second.pk])).content.decode()
    assert "<p>Revision 2:" in page


def test_restoring_names_the_revision_by_its_number(editor_client, three_sections):
    article = three_sections
    first = drafts.live_revision(article)
    editor_client.post(change_url(article), form_data(article, summary="Changed."))
    response = editor_client.post(reverse("admin:articles_article_revision", args=[article.pk, first.pk]), follow=True)
    assert "Restored revision 1 into the draft." in response.content.decode()


def test_restoring_a_section_the_revision_does_not_have_is_not_found(editor_client, three_sections):
    article = three_sections
    first = drafts.live_revision(article)
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    assert editor_client.post(url, {"section": "not-a-key"}).status_code == 404


# The walk


def test_no_editor_post_but_publish_changes_what_readers_get(editor_client, editor, three_sections):
    """Every route the article admin has is posted to by an editor, with the
    changes an editor can make there; readers' page stays byte for byte the
    same until the draft is published. A new route fails this test until it
    is walked here."""
    article = three_sections
    first = drafts.live_revision(article)

    def url(name, *args):
        return reverse(f"admin:articles_article_{name}", args=args)

    pk = article.pk

    def change(**changes):
        # Each of these saves the draft: a refused form would prove nothing.
        assert editor_client.post(url("change", pk), form_data(article, **changes)).status_code == 302

    def add_section():
        rows = list(DraftSection.objects.filter(article=article)) + [DraftSection(heading="New", body="New.")]
        assert editor_client.post(url("change", pk), form_data(article, sections=rows)).status_code == 302

    posts = {
        "changelist": [
            lambda: editor_client.post(
                url("changelist"), {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"}
            )
        ],
        "add": [
            lambda: editor_client.post(
                url("add"),
                {
                    "title": "Other",
                    "slug": "other",
                    "summary": "S.",
                    "is_published": "on",
                    "disclaimer": "D.",
                    f"{PREFIX}-TOTAL_FORMS": 0,
                    f"{PREFIX}-INITIAL_FORMS": 0,
                    "reviews-TOTAL_FORMS": 0,
                    "reviews-INITIAL_FORMS": 0,
                },
            )
        ],
        "change": [
            lambda: change(
                title="Drafted title",
                summary="Drafted.",
                disclaimer="Drafted disclaimer.",
                is_published=False,
                slug="drafted-slug",
            ),
            lambda: change(**{f"{PREFIX}-0-body": "Drafted body.", f"{PREFIX}-0-heading": "Drafted heading"}),
            lambda: change(**{f"{PREFIX}-1-anchor": "drafted-anchor"}),
            lambda: change(**{f"{PREFIX}-0-position": 9, f"{PREFIX}-2-position": 1}),
            lambda: change(_move=f"{PREFIX}-0:down"),
            lambda: change(_move=f"{PREFIX}-2:up"),
            lambda: change(_publish="Save draft and publish…"),
            lambda: change(**{f"{PREFIX}-1-DELETE": "on"}),
            add_section,
        ],
        "delete": [lambda: editor_client.post(url("delete", pk), {"post": "yes"})],
        "history": [lambda: editor_client.post(url("history", pk))],
        "revisions": [lambda: editor_client.post(url("revisions", pk))],
        "compare": [lambda: editor_client.post(url("compare", pk) + f"?a={first.pk}&b={first.pk}")],
        "revision": [
            lambda: editor_client.post(url("revision", pk, first.pk), {"section": first.content["sections"][0]["key"]}),
            lambda: editor_client.post(url("revision", pk, article.revisions.last().pk)),
        ],
        # Outside the admin's own routes, as the article page composes it (pages/).
        "draft preview": [lambda: editor_client.post(reverse("article_draft_preview", args=[pk]))],
        "review": [
            lambda: editor_client.post(url("review", pk), {"note": "Checked.", "next_review_due": "2099-01-01"})
        ],
        "preview_section": [lambda: editor_client.post(url("preview_section"), {"body": "Live."})],
        "presence": [lambda: editor_client.post(url("presence", pk))],
        "discard": [lambda: editor_client.post(url("discard", pk))],
    }
    routes = {u.name.removeprefix("articles_article_") for u in admin.site._registry[Article].get_urls() if u.name}
    assert routes == set(posts) - {"draft preview"} | {"publish"}
    assert not any(model._meta.app_label == "articles" and model is not Article for model in admin.site._registry)

    before = what_readers_get(article)
    for name, actions in posts.items():
        for action in actions:
            response = action()
            assert response is None or response.status_code < 500
            assert what_readers_get(article) == before, f"a POST to {name} changed the published page"
    change(title="Finally published")
    editor_client.post(url("publish", pk))
    assert "Finally published" in what_readers_get(article)


# Previews


def test_the_full_preview_shows_the_draft_marked_as_a_preview_and_never_stored(editor_client, three_sections):
    article = three_sections
    editor_client.post(
        change_url(article), form_data(article, title="Draft title", **{f"{PREFIX}-0-body": "Draft *body*."})
    )
    response = editor_client.get(reverse("article_draft_preview", args=[article.pk]))
    page = response.content.decode()
    assert "Draft title" in page and "Draft <em>body</em>." in page
    assert 'class="preview-banner"' in page
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in page
    assert "Draft title" not in what_readers_get(article)


def test_the_full_preview_links_back_to_the_editor_and_on_to_publish(editor_client, three_sections):
    article = three_sections
    page = editor_client.get(reverse("article_draft_preview", args=[article.pk])).content.decode()
    assert f'<a href="{change_url(article)}">Back to the editor</a>' in page
    assert f'<a href="{reverse("admin:articles_article_publish", args=[article.pk])}">Publish…</a>' in page


def test_the_full_preview_offers_publish_only_to_those_who_may_publish(client, django_user_model, three_sections):
    writer = django_user_model.objects.create_user("writer", is_staff=True)
    writer.user_permissions.add(*Permission.objects.filter(codename__in=("change_article", "view_article")))
    client.force_login(writer)
    page = client.get(reverse("article_draft_preview", args=[three_sections.pk])).content.decode()
    assert "Back to the editor" in page
    assert "Publish…" not in page


def test_the_live_preview_renders_markdown_through_the_sites_pipeline(editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_preview_section"), {"heading": "A <b>heading</b>", "body": "Some *text*."}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<em>text</em>" in page
    assert "A &lt;b&gt;heading&lt;/b&gt;" in page
    assert "no-store" in response["Cache-Control"]


def test_the_live_preview_shows_what_saving_would_refuse(editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_preview_section"), {"body": "Fine.\n\nThen <script>alert(1)</script>"}
    )
    page = response.content.decode()
    assert "Line 3: HTML such as &lt;script&gt; is not allowed" in page
    assert "<script>" not in page


def test_saving_a_draft_section_the_pipeline_refuses_saves_nothing(editor_client, three_sections):
    article = three_sections
    response = editor_client.post(change_url(article), form_data(article, **{f"{PREFIX}-0-body": "## Not here"}))
    assert response.status_code == 200
    assert "Line 1: “##” headings are the page" in response.content.decode()
    assert draft_row(article, "One").body == "Text of one."


def test_the_live_preview_answers_only_posts(editor_client):
    assert editor_client.get(reverse("admin:articles_article_preview_section")).status_code == 405


# Loading and migrating


def test_loading_the_article_keeps_it_as_the_first_published_revision(loaded_article):
    revision = loaded_article.revisions.get()
    assert revision.published_at is not None
    assert revision.content == drafts.published_content(loaded_article)


def test_loading_again_leaves_the_revisions_and_the_draft_alone(loaded_article, editor):
    drafts.draft_of(loaded_article)
    Draft.objects.filter(article=loaded_article).update(title="An editor's title")
    drafts.record(loaded_article, by=editor)
    count = Revision.objects.count()
    call_command("load_article", stdout=io.StringIO())
    assert Revision.objects.count() == count
    assert Draft.objects.get(article=loaded_article).title == "An editor's title"


def test_text_an_older_rule_let_through_can_be_restored_but_not_published(editor_client, three_sections):
    article = three_sections
    content = drafts.live_revision(article).content
    content["sections"][0]["body"] = "## A heading style sections no longer take"
    old = Revision.objects.create(article=article, content=content)
    assert editor_client.post(reverse("admin:articles_article_revision", args=[article.pk, old.pk])).status_code == 302
    assert draft_row(article, "One").body.startswith("## A heading style")
    response = editor_client.post(reverse("admin:articles_article_publish", args=[article.pk]))
    assert "“One” cannot be published: Line 1" in response.content.decode()
    assert article.sections.get(heading="One").body == "Text of one."


def test_a_draft_save_costs_readers_one_version_check_and_a_publish_one_fresh_page(
    client, editor_client, editor, three_sections, django_assert_num_queries, django_assert_max_num_queries
):
    """Any write costs the next request one version check (articles.versions); a draft save moves no
    version, so the page stays the cached one; a publish shows at once, and the page is warm again after."""
    article = three_sections
    client.get(article.get_absolute_url())
    editor_client.post(change_url(article), form_data(article, **{f"{PREFIX}-0-body": "Drafted."}))
    with django_assert_max_num_queries(1):
        assert "Drafted." not in client.get(article.get_absolute_url()).content.decode()
    with django_assert_num_queries(0):
        client.get(article.get_absolute_url())
    drafts.publish(article, by=editor)
    assert "Drafted." in client.get(article.get_absolute_url()).content.decode()
    with django_assert_num_queries(0):
        client.get(article.get_absolute_url())
