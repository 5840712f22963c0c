"""Migrations keep what was there: the move from per-section history to
whole-article revisions, and comments stored before control characters were
refused."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("articles", "0011_drafts_and_revisions")]
AFTER = [("articles", "0013_remove_section_history")]


@pytest.fixture
def migrated_from_history(transactional_db, django_db_serialized_rollback):
    """A database as it was with per-section history: an article loaded, then
    one section edited by an editor and another deleted, then migrated on;
    afterwards the database is made whole again."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    History = apps.get_model("articles", "HistoricalSection")
    User = apps.get_model("auth", "User")
    editor = User.objects.create(username="old-editor")
    article = Article.objects.create(title="T", slug="t", summary="S.", disclaimer="D.")
    loaded = timezone.now() - datetime.timedelta(days=2)
    sections = [
        Section.objects.create(article=article, position=n * 10, heading=h, anchor=h.lower(), body=f"{h}.")
        for n, h in enumerate(("One", "Two", "Three"), start=1)
    ]
    for section in sections:
        History.objects.create(
            id=section.id,
            article_id=article.id,
            position=section.position,
            heading=section.heading,
            anchor=section.anchor,
            body=section.body,
            history_date=loaded,
            history_type="+",
        )
    sections[0].body = "One, edited."
    sections[0].save()
    History.objects.create(
        id=sections[0].id,
        article_id=article.id,
        position=10,
        heading="One",
        anchor="one",
        body="One, edited.",
        history_date=loaded + datetime.timedelta(days=1),
        history_type="~",
        history_user=editor,
    )
    History.objects.create(
        id=sections[2].id,
        article_id=article.id,
        position=30,
        heading="Three",
        anchor="three",
        body="Three.",
        history_date=loaded + datetime.timedelta(days=1, minutes=5),
        history_type="-",
    )
    sections[2].delete()
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    yield executor.loader.project_state(AFTER).apps, article.pk
    # Going back took comments back too, to before the outbox had tables of its own.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_old_history_becomes_published_revisions_of_the_whole_article(migrated_from_history):
    apps, pk = migrated_from_history
    revisions = list(apps.get_model("articles", "Revision").objects.filter(article_id=pk).order_by("created_at"))
    bodies = [[s["body"] for s in r.content["sections"]] for r in revisions]
    assert bodies == [["One.", "Two.", "Three."], ["One, edited.", "Two.", "Three."], ["One, edited.", "Two."]]
    assert all(r.published_at for r in revisions)
    assert revisions[1].created_by.username == "old-editor"


def test_the_last_revision_is_the_published_article_with_the_sections_keys(migrated_from_history):
    apps, pk = migrated_from_history
    latest = apps.get_model("articles", "Revision").objects.filter(article_id=pk).order_by("-created_at").first()
    sections = apps.get_model("articles", "Section").objects.filter(article_id=pk).order_by("position")
    assert [s["key"] for s in latest.content["sections"]] == [str(s.key) for s in sections]
    assert len({s.key for s in sections}) == 2


def test_editors_may_publish_after_the_migration(migrated_from_history):
    apps, _ = migrated_from_history
    editors = apps.get_model("auth", "Group").objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"publish_article", "change_draftsection"} <= codenames
    assert not codenames & {"change_section", "add_section", "delete_section"}


COMMENTS_BEFORE = [("comments", "0009_body_constraint_named_without_its_number")]
COMMENTS_AFTER = [("comments", "0010_reader_fields_without_control_characters")]


@pytest.fixture
def migrated_with_control_characters(transactional_db, django_db_serialized_rollback):
    """A comment stored, control characters and all, before the database
    refused them, then migrated on; afterwards the database is made whole again."""
    executor = MigrationExecutor(connection)
    executor.migrate(COMMENTS_BEFORE)
    apps = executor.loader.project_state(COMMENTS_BEFORE).apps
    article = apps.get_model("articles", "Article").objects.create(title="T", slug="t", summary="S.", disclaimer="D.")
    comment = apps.get_model("comments", "Comment").objects.create(
        article=article,
        name="Ann\x07",
        email='"ann\x1b"@example.org',
        email_key='"ann\x1b"@example.org',
        body="Ring\x07 the \x1b[31mbell.",
        body_html="<p>Ring\x07 the \x1b[31mbell.</p>",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(COMMENTS_AFTER)
    yield executor.loader.project_state(COMMENTS_AFTER).apps, comment.pk
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_comment_stored_with_control_characters_keeps_its_text_with_each_one_marked(
    migrated_with_control_characters,
):
    apps, pk = migrated_with_control_characters
    comment = apps.get_model("comments", "Comment").objects.get(pk=pk)
    assert (comment.name, comment.email, comment.email_key, comment.body, comment.body_html) == (
        "Ann\ufffd",
        '"ann\ufffd"@example.org',
        '"ann\ufffd"@example.org',
        "Ring\ufffd the \ufffd[31mbell.",
        "<p>Ring\ufffd the \ufffd[31mbell.</p>",
    )
