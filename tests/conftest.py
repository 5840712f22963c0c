import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import drafts, versions
from articles.models import Article, DraftSection, Section
from articles.reviews import mark_reviewed
from comments import counts
from comments.models import Comment, Status
from comments.moderation import approve
from outbox.sender import send_due
from pages.shared import local_pages
from web.redis_outage import outage

# Every test must check something: see assertion_count.py.
pytest_plugins = ["assertion_count"]


def _docker_runs():
    docker = shutil.which("docker")
    return bool(docker) and subprocess.run([docker, "info"], capture_output=True, timeout=60).returncode == 0


# test_compose_image.py builds and starts the image with Docker, which CI and
# most machines do not have: there it is not collected at all (a skip would
# read as a test that could not run), and test_compose.py runs the same
# commands without Docker everywhere.
collect_ignore = [] if _docker_runs() else ["test_compose_image.py"]


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # The suite runs without `collectstatic`; the manifest storage used in
    # production is exercised on its own in test_pages.py.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Whatever the shell says, tests send comment emails to Django's
    # in-memory mail.outbox when they run the outbox's sender.
    settings.COMMENTS_EMAILS = True


@pytest.fixture
def loaded_article(db):
    call_command("load_article", stdout=io.StringIO())
    return Article.objects.get(slug="thymosin-alpha-1")


@pytest.fixture
def dosing_chart(loaded_article):
    return Article.objects.get(slug="thymosin-alpha-1-dosing-chart")


@pytest.fixture
def article(db):
    article = Article.objects.create(
        title="A test article",
        slug="a-test-article",
        summary="A short summary.",
        disclaimer="Educational Disclaimer: for testing.",
    )
    # Written past the services: no process may keep the article an earlier test read under this address.
    versions.announce()
    return article


@pytest.fixture
def section(article):
    return Section.objects.create(article=article, position=10, heading="First part", body="Some *text*.")


@pytest.fixture
def publish_section_text(editor):
    """Change a section's text in the draft and publish it, as an editor would."""

    def _publish(section, body):
        drafts.draft_of(section.article)
        DraftSection.objects.filter(article=section.article, key=section.key).update(body=body)
        DraftSection.objects.get(key=section.key).save()
        drafts.record(section.article, by=editor)
        return drafts.publish(section.article, by=editor)

    return _publish


@pytest.fixture
def busy_article(article):
    """More sections and approved comments than one page shows."""
    for position in range(30):
        Section.objects.create(article=article, position=position, heading=f"Part {position}", body="Text.")
    Comment.objects.bulk_create(
        Comment(article=article, name=f"Reader {n}", email=f"r{n}@example.org", body="Hi.", status=Status.APPROVED)
        for n in range(60)
    )
    counts.recount(article)
    return article


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """The suite's database as several connections share it in production.
    PostgreSQL's already is. SQLite's is kept in memory, where a second
    connection meets table locks that fail at once instead of waiting: here
    every connection works on a file copy of it instead, as on a server. The
    copy is taken when this fixture starts: name it after the fixtures that
    write the test's data."""
    if connection.vendor != "sqlite":
        yield
        return
    copy = tmp_path / "shared.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    # Closing the in-memory database would destroy it: it is set aside, open.
    in_memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None
    connection.settings_dict["NAME"] = str(copy)
    # Opened here first, so that its init_command turns the copy to WAL
    # before connections opening at the same moment race to do it.
    connection.ensure_connection()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = in_memory


def _member_of(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _member_of(django_user_model, "editor", "Editors")


@pytest.fixture
def moderator(db, django_user_model):
    return _member_of(django_user_model, "moderator", "Moderators")


@pytest.fixture
def reviewer(db, django_user_model):
    return _member_of(django_user_model, "reviewer", "Reviewers")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def reviewed_article(loaded_article, reviewer):
    mark_reviewed(loaded_article, by=reviewer, note="Checked every section against the cited reviews.")
    return loaded_article


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_user(username="staff", password="pw", is_staff=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    # Pages are kept in the cache and in each process: no test may inherit
    # another's, nor the Redis outage another met.
    outage.until = 0.0
    cache.clear()
    local_pages.pages.clear()


@pytest.fixture
def comment_data(article):
    """A reader's valid submission."""
    return {"name": "Ada Reader", "email": "ada@example.org", "body": "A thoughtful comment.", "website": ""}


@pytest.fixture
def post_comment(client, article, comment_data):
    """Post the comment form for `article`, with any fields changed."""

    def post(client=client, **changes):
        return client.post(reverse("comments:post", kwargs={"slug": article.slug}), {**comment_data, **changes})

    return post


@pytest.fixture
def pending_comment(article):
    comment = Comment.objects.create(
        article=article, name="Pat Pending", email="pat@example.org", body="Waiting for review."
    )
    # Counted as a reader's submission counts it, without its email to the moderators.
    counts.status_changed(comment, was=None)
    return comment


@pytest.fixture
def approved_comment(pending_comment, moderator):
    approve(pending_comment, by=moderator)
    return pending_comment


@pytest.fixture
def moderators_with_email(moderator, django_user_model):
    """Two moderators with addresses, and the superuser, who may moderate too."""
    moderator.email = "mod.one@example.org"
    moderator.save()
    second = django_user_model.objects.create_user(username="moderator2", email="mod.two@example.org", is_staff=True)
    second.groups.add(Group.objects.get(name="Moderators"))
    django_user_model.objects.create_superuser(username="root", email="root@example.org", password="pw")
    return ["mod.one@example.org", "mod.two@example.org", "root@example.org"]


@pytest.fixture
def deliver():
    """Run the outbox's sender as `manage.py send_outbox` would, `after`
    seconds from now (past an undo window, or a retry's delay)."""

    def _deliver(after=0):
        return send_due(now=timezone.now() + timedelta(seconds=after))

    return _deliver


@pytest.fixture
def past_undo(settings):
    """Seconds from a moderation decision to a moment its undo window has closed."""
    return settings.MODERATION_UNDO_SECONDS + 1


@pytest.fixture
def threads(article):
    """Two approved replies under every approved top-level comment, one of them answering the other."""
    for parent in list(article.comments.approved().filter(parent=None)):
        first = Comment.objects.create(
            article=article,
            parent=parent,
            in_reply_to=parent,
            name="Ben",
            email="ben@example.org",
            body="A reply.",
            status=Status.APPROVED,
        )
        Comment.objects.create(
            article=article,
            parent=parent,
            in_reply_to=first,
            name="Cy",
            email="cy@example.org",
            body="A reply to the reply.",
            status=Status.APPROVED,
        )
    counts.recount(article)
    return article
