""" "Last reviewed" is a claim that someone checked the content: only a recorded review makes it."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from articles import drafts
from articles.models import Article, DraftSection, Review
from articles.reviews import default_next_review, mark_reviewed, months_after


def json_ld(page):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))


def review_url(article):
    return reverse("admin:articles_article_review", args=[article.pk])


def test_loading_the_article_sets_no_review_date(loaded_article):
    assert loaded_article.last_reviewed is None
    assert loaded_article.next_review_due is None


def test_a_never_reviewed_article_shows_no_review_date(client, loaded_article):
    page = client.get(loaded_article.get_absolute_url()).content.decode()
    assert "Last reviewed" not in page
    assert "Next review due" not in page


def test_a_never_reviewed_article_has_no_last_reviewed_in_its_structured_data(client, loaded_article):
    assert "lastReviewed" not in json_ld(client.get(loaded_article.get_absolute_url()).content.decode())


def test_a_reviewer_marks_an_article_as_reviewed_with_a_note(reviewer_client, reviewer, loaded_article):
    response = reviewer_client.post(
        review_url(loaded_article), {"note": "Checked against the 2025 reviews.", "next_review_due": "2099-01-31"}
    )
    assert response.status_code == 302
    review = loaded_article.reviews.get()
    assert (review.reviewed_by, review.note) == (reviewer, "Checked against the 2025 reviews.")
    loaded_article.refresh_from_db()
    assert loaded_article.last_reviewed == timezone.localdate()
    assert loaded_article.next_review_due == datetime.date(2099, 1, 31)


def test_the_next_review_is_due_twelve_months_after_unless_changed(reviewer_client, loaded_article):
    form = reviewer_client.get(review_url(loaded_article)).context["form"]
    assert form["next_review_due"].value() == months_after(timezone.localdate(), 12)


def test_the_review_form_writes_the_default_next_review_date_as_the_site_does(reviewer_client, loaded_article):
    page = reviewer_client.get(review_url(loaded_article)).content.decode()
    due = format_date(months_after(timezone.localdate(), 12), "j F Y")
    assert f"{due}, 12 months from today, unless you choose another day." in page


def test_the_review_form_names_the_published_revision_it_certifies_and_says_there_is_no_draft(
    reviewer_client, loaded_article
):
    published = loaded_article.revisions.publications().first()
    page = reviewer_client.get(review_url(loaded_article)).content.decode()
    assert (
        f"You are certifying revision {published.number}, published "
        f"{format_date(timezone.localtime(published.published_at), 'j F Y, H:i')}" in page
    )
    assert "There is no unpublished draft." in page


def test_the_review_form_says_when_the_draft_has_unpublished_changes_it_does_not_cover(
    reviewer_client, editor, loaded_article
):
    drafts.draft_of(loaded_article)
    section = DraftSection.objects.filter(article=loaded_article).first()
    section.heading = "A heading changed in the draft"
    section.save()
    with transaction.atomic():
        drafts.record(loaded_article, by=editor)
    page = reviewer_client.get(review_url(loaded_article)).content.decode()
    assert "The draft has unpublished changes" in page
    assert "this review does not cover them" in page


def test_mark_reviewed_without_a_date_sets_the_next_review_twelve_months_later(reviewed_article):
    assert reviewed_article.next_review_due == default_next_review(reviewed_article.last_reviewed)


@pytest.mark.parametrize(
    "day, expected",
    [
        (datetime.date(2026, 11, 27), datetime.date(2027, 11, 27)),
        (datetime.date(2028, 2, 29), datetime.date(2029, 2, 28)),
    ],
)
def test_twelve_months_later_is_the_same_day_or_the_months_last(day, expected):
    assert default_next_review(day) == expected


def test_a_review_needs_a_note(reviewer_client, loaded_article):
    response = reviewer_client.post(review_url(loaded_article), {"note": "", "next_review_due": "2099-01-31"})
    assert response.status_code == 200
    assert not Review.objects.exists()


def test_the_next_review_cannot_be_due_today_or_earlier(reviewer_client, loaded_article):
    today = timezone.localdate().isoformat()
    response = reviewer_client.post(review_url(loaded_article), {"note": "Checked.", "next_review_due": today})
    assert "Choose a day after today" in response.content.decode()
    assert not Review.objects.exists()


@pytest.mark.parametrize("user_fixture", ["editor", "moderator", "staff_user"])
def test_only_reviewers_may_mark_as_reviewed(client, request, loaded_article, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(review_url(loaded_article), {"note": "Looks fine.", "next_review_due": "2099-01-31"})
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_editors_are_not_offered_the_review_action_or_link(editor_client, loaded_article):
    page = editor_client.get(reverse("admin:articles_article_change", args=[loaded_article.pk])).content.decode()
    assert review_url(loaded_article) not in page
    changelist = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'value="mark_as_reviewed"' not in changelist


def test_reviewers_find_mark_as_reviewed_on_the_articles_page(reviewer_client, loaded_article):
    page = reviewer_client.get(reverse("admin:articles_article_change", args=[loaded_article.pk])).content.decode()
    assert f'<a href="{review_url(loaded_article)}">Mark as reviewed</a>' in page


def test_the_list_action_leads_to_the_review_page_of_the_one_selected_article(reviewer_client, loaded_article):
    response = reviewer_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "mark_as_reviewed", "_selected_action": [loaded_article.pk]},
    )
    assert response.status_code == 302
    assert response.url == review_url(loaded_article)


def test_the_list_action_reviews_one_article_at_a_time(reviewer_client, loaded_article, dosing_chart):
    response = reviewer_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "mark_as_reviewed", "_selected_action": [loaded_article.pk, dosing_chart.pk]},
        follow=True,
    )
    assert "Select one article" in response.content.decode()
    assert not Review.objects.exists()


def test_reviews_are_listed_with_who_and_the_note_on_the_articles_admin_page(editor_client, reviewed_article):
    page = editor_client.get(reverse("admin:articles_article_change", args=[reviewed_article.pk])).content.decode()
    assert "Checked every section against the cited reviews." in page
    assert "reviewer" in page


def test_readers_see_the_review_dates_but_not_the_reviewer(client, reviewed_article, reviewer):
    page = client.get(reviewed_article.get_absolute_url()).content.decode()
    assert f'Last reviewed <time datetime="{reviewed_article.last_reviewed:%Y-%m-%d}">' in page
    assert f'Next review due <time datetime="{reviewed_article.next_review_due:%Y-%m-%d}">' in page
    assert "Checked every section" not in page
    assert reviewer.get_username() not in page


def test_a_review_shows_on_the_page_at_the_next_request(client, loaded_article, reviewer):
    client.get(loaded_article.get_absolute_url())
    mark_reviewed(loaded_article, by=reviewer, note="Checked.")
    assert "Last reviewed" in client.get(loaded_article.get_absolute_url()).content.decode()


def test_a_review_does_not_move_last_updated(loaded_article, reviewer):
    before = Article.objects.get(pk=loaded_article.pk).updated_at
    mark_reviewed(loaded_article, by=reviewer, note="Checked.")
    assert Article.objects.get(pk=loaded_article.pk).updated_at == before


def test_a_content_change_does_not_move_the_review_date(reviewed_article):
    reviewed = reviewed_article.last_reviewed, reviewed_article.next_review_due
    section = reviewed_article.sections.first()
    section.body = "Rewritten."
    section.save()
    reviewed_article.title = "Renamed"
    reviewed_article.save()
    reviewed_article.refresh_from_db()
    assert (reviewed_article.last_reviewed, reviewed_article.next_review_due) == reviewed


def test_the_article_form_offers_no_review_date_field(editor_client, loaded_article):
    form = editor_client.get(reverse("admin:articles_article_change", args=[loaded_article.pk])).context["adminform"]
    assert "last_reviewed" not in form.form.fields
    assert "next_review_due" not in form.form.fields


def test_visibility_is_labelled_visible_to_readers(editor_client, loaded_article):
    page = editor_client.get(reverse("admin:articles_article_change", args=[loaded_article.pk])).content.decode()
    assert re.search(r'<label[^>]*for="id_is_published"[^>]*>Visible to readers', page)


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
def test_the_admin_home_lists_articles_whose_review_is_due(client, request, loaded_article, dosing_chart, user_fixture):
    Article.objects.filter(pk=dosing_chart.pk).update(
        last_reviewed=datetime.date(2020, 1, 1), next_review_due=datetime.date(2021, 1, 1)
    )
    client.force_login(request.getfixturevalue(user_fixture))
    page = client.get(reverse("admin:index")).content.decode()
    assert re.search(rf"{re.escape(dosing_chart.title)}</a>:\s*review due since 1 January 2021", page)
    assert re.search(rf"{re.escape(loaded_article.title)}</a>:\s*never reviewed", page)


def test_the_admin_home_leaves_out_articles_reviewed_and_not_yet_due(editor_client, reviewed_article, dosing_chart):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert f"{dosing_chart.title}</a>" in page
    assert f"{reviewed_article.title}</a>" not in page


def test_moderators_are_not_shown_the_reviews_due(moderator_client, loaded_article):
    assert "never reviewed" not in moderator_client.get(reverse("admin:index")).content.decode()


def test_loading_again_never_adds_a_review_date(loaded_article):
    call_command("load_article", stdout=io.StringIO())
    loaded_article.refresh_from_db()
    assert loaded_article.last_reviewed is None


@pytest.mark.parametrize("object_id", ["abc", "-1", "0", "99999999999999999999", "%00", "1.5"])
def test_a_review_page_for_no_such_article_leads_back_to_the_list(reviewer_client, loaded_article, object_id):
    response = reviewer_client.get(f"/admin/articles/article/{object_id}/review/")
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
