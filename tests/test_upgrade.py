"""A database as the release before the squashed migrations left it (written
by tests/before_squash/dump.sh) takes this release's `migrate` with its data
intact and no migration run again."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from articles.models import Article, Revision
from comments import counts
from comments.models import Status
from staff.roles import ROLES

BEFORE_SQUASH = Path(__file__).parent / "before_squash"
SQUASHES = {
    ("articles", "0001_squashed_0015_comment_and_thread_counts"),
    ("comments", "0001_squashed_0016_the_queue_reads_by_status_and_date"),
}

# serialized_rollback: the flush after each test leaves no groups behind for
# a later test that reloads the serialized ones, which would clash with them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def drop_every_table():
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cascade = " CASCADE" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}{cascade}")


def load_before_squash():
    script = (BEFORE_SQUASH / f"{connection.vendor}.sql").read_text()
    with connection.constraint_checks_disabled():
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            connection.connection.executescript(script)
        else:
            with connection.cursor() as cursor:
                cursor.execute(script)


def recorded():
    return {(m.app, m.name): m.applied for m in MigrationRecorder.Migration.objects.all()}


def released(*names):
    """Models ("app.Model") as the previous release's schema has them: today's
    may have columns its tables do not have yet."""
    apps = MigrationExecutor(connection).loader.project_state(sorted(SQUASHES)).apps
    return [apps.get_model(name) for name in names]


def contents():
    """What the previous release stored, read the same way before and after `migrate`."""
    articles = released("articles.Article", "articles.Section", "comments.Comment")
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in (*articles, User, User.groups.through)
    }


@pytest.fixture
def before_squash():
    """The test database replaced by one at the previous release, holding a
    published article, comments and an editor; migrated afresh afterwards."""
    drop_every_table()
    load_before_squash()
    Article, Section, Comment = released("articles.Article", "articles.Section", "comments.Comment")
    article = Article.objects.create(title="T", slug="t", summary="S.", disclaimer="D.", comment_count=1)
    Section.objects.create(article=article, position=10, heading="One", anchor="one", body="Text.")
    first = Comment.objects.create(article=article, name="Ann", email="ann@example.org", body="Hi.")
    Comment.objects.create(article=article, name="Ben", email="ben@example.org", body="Yes.", status=Status.APPROVED)
    Comment.objects.create(article=article, name="Cy", email="cy@example.org", body="Re.", parent=first)
    editor = User.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    yield
    drop_every_table()
    call_command("migrate", verbosity=0)


def test_the_previous_releases_database_has_only_later_migrations_left(before_squash):
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert not {(migration.app_label, migration.name) for migration, _ in plan} & (set(recorded()) | SQUASHES)


def test_migrate_keeps_the_articles_comments_and_staff(before_squash):
    before = contents()
    call_command("migrate", verbosity=0)
    assert contents() == before


def test_migrate_counts_the_comments_already_there_by_status_for_the_queue(before_squash):
    call_command("migrate", verbosity=0)
    assert counts.by_status() == {"pending": 2, "approved": 1, "rejected": 0, "spam": 0}


def test_migrate_records_the_squashed_migrations_as_applied_and_runs_nothing_again(before_squash):
    before = recorded()
    call_command("migrate", verbosity=0)
    after = recorded()
    assert set(after) - set(before) >= SQUASHES
    assert {key: after[key] for key in before} == before


def test_the_staff_groups_keep_their_permissions_through_migrate(before_squash):
    call_command("migrate", verbosity=0)
    for name, permissions in ROLES.items():
        held = Group.objects.get(name=name).permissions.select_related("content_type")
        assert {f"{p.content_type.app_label}.{p.codename}" for p in held} == permissions


def test_a_database_part_way_through_the_old_migrations_is_refused_with_what_to_do(before_squash):
    MigrationRecorder.Migration.objects.filter(app="comments", name__gte="0015").delete()
    with pytest.raises(CommandError, match="comments app's old migrations .*previous release first"):
        call_command("migrate", verbosity=0)


def test_migrate_numbers_each_articles_existing_revisions_from_one_oldest_first(before_squash):
    articles = [Article.objects.create(title=t, slug=t, summary="S.", disclaimer="D.") for t in ("a", "b")]
    # Written as the previous release wrote them: without a number.
    rows = [(articles[0], "2024-01-02"), (articles[1], "2024-01-01"), (articles[0], "2024-01-01")]
    with connection.cursor() as cursor:
        for article, day in rows:
            cursor.execute(
                "INSERT INTO articles_revision (article_id, content, created_at, note) VALUES (%s, %s, %s, '')",
                [article.pk, "{}", f"{day} 12:00:00+00:00"],
            )
    call_command("migrate", verbosity=0)
    numbered = Revision.objects.order_by("article_id", "created_at").values_list("article_id", "number")
    assert list(numbered) == [(articles[0].pk, 1), (articles[0].pk, 2), (articles[1].pk, 1)]
