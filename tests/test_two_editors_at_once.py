"""Two editors press Save at the same moment, each from a page opened on the
same revision: the draft's row lock (drafts.current_revision) takes the saves
one after the other, so the second merges with the first and both edits stay,
each kept as a revision with a number of its own."""

import threading

import pytest
from article_form import PREFIX, form_data
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles import drafts
from articles.models import DraftSection, Section

# Committed, for other connections to see; serialized_rollback: the flush
# after each test leaves the groups and content types in place for the next.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def two_sections(article):
    for position, heading in ((10, "One"), (20, "Two")):
        Section.objects.create(article=article, position=position, heading=heading, body=f"Text of {heading}.")
    drafts.draft_of(article)
    return article


def test_two_saves_at_the_same_moment_keep_both_edits_with_numbers_of_their_own(
    two_sections, shared_database, django_user_model
):
    article = two_sections
    rows = list(DraftSection.objects.filter(article=article))
    forms = [form_data(article, **{f"{PREFIX}-{index}-body": f"Saved by editor {index}."}) for index in (0, 1)]
    clients = []
    for index in (0, 1):
        client = Client()
        client.force_login(django_user_model.objects.create_superuser(f"editor{index}", password="pw"))
        clients.append(client)
    together = threading.Barrier(2)
    answers = {}

    def save(index):
        try:
            together.wait()
            url = reverse("admin:articles_article_change", args=[article.pk])
            answers[index] = clients[index].post(url, forms[index]).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == {0: 302, 1: 302}
    bodies = [DraftSection.objects.get(pk=row.pk).body for row in rows]
    assert bodies == ["Saved by editor 0.", "Saved by editor 1."]
    assert sorted(article.revisions.values_list("number", flat=True)) == [1, 2, 3]
