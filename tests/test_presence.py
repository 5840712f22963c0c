"""The editor page says who else has the same draft open, and since when."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import presence
from articles.models import PRESENCE_SECONDS, DraftPresence


@pytest.fixture
def sam(db, django_user_model):
    return django_user_model.objects.create_user("sam", is_staff=True, is_superuser=True)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


def test_the_editor_page_says_who_else_has_the_draft_open_since_when(editor_client, sam, article):
    presence.arrived(article, user=sam)
    since = timezone.localtime(DraftPresence.objects.get(user=sam).since)
    page = editor_client.get(change_url(article)).content.decode()
    assert f"sam has had this draft open since {since:%H:%M}." in page


def test_the_editor_page_does_not_name_the_person_reading_it(editor_client, article):
    editor_client.get(change_url(article))
    assert "has had this draft open" not in editor_client.get(change_url(article)).content.decode()


def test_the_poll_answers_who_else_is_there_as_json(editor_client, sam, article):
    presence.arrived(article, user=sam)
    answer = editor_client.post(presence_url(article)).json()
    assert [line.split(" since ")[0] for line in answer["others"]] == ["sam has had this draft open"]


def test_a_page_not_seen_for_a_while_no_longer_counts(editor_client, sam, article):
    presence.arrived(article, user=sam)
    DraftPresence.objects.update(seen_at=timezone.now() - timedelta(seconds=PRESENCE_SECONDS + 1))
    assert editor_client.post(presence_url(article)).json() == {"others": []}


def test_coming_back_after_it_stopped_counting_starts_a_new_since(sam, article):
    presence.arrived(article, user=sam)
    long_ago = timezone.now() - timedelta(hours=2)
    DraftPresence.objects.update(since=long_ago, seen_at=long_ago)
    presence.arrived(article, user=sam)
    assert DraftPresence.objects.get(user=sam).since > long_ago


def test_polling_keeps_since_as_when_the_page_was_opened(editor_client, editor, article):
    editor_client.get(change_url(article))
    opened = DraftPresence.objects.get(user=editor).since
    editor_client.post(presence_url(article))
    assert DraftPresence.objects.get(user=editor).since == opened


def test_the_poll_answers_only_staff_who_may_change_the_article(article, django_user_model):
    client = Client()
    assert client.post(presence_url(article)).status_code == 302
    client.force_login(django_user_model.objects.create_user("visitor", is_staff=True))
    assert client.post(presence_url(article)).status_code == 403


def test_the_poll_answers_only_posts(editor_client, article):
    assert editor_client.get(presence_url(article)).status_code == 405


def test_the_poll_is_never_stored(editor_client, article):
    assert "no-store" in editor_client.post(presence_url(article))["Cache-Control"]
