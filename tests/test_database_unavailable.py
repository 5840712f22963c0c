"""A database that cannot take writes (read-only, disk full) answers 503
with Retry-After, and a reader's comment comes back on its form."""

import pytest
from django.db import connection

from comments.models import Comment

# serialized_rollback: the flush after each test leaves the groups and content
# types the migrations made in place for the next test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# More bytes than one database page holds, so storing it needs a new page.
LONG_COMMENT = "€" * 1900


@pytest.fixture
def read_only_database(article):
    """The database as a read-only mount or a hot standby leaves it: reads
    work, every write is refused by the database itself."""
    statement = {"sqlite": "PRAGMA query_only = {}", "postgresql": "SET default_transaction_read_only = {}"}[
        connection.vendor
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement.format("on"))
    yield
    with connection.cursor() as cursor:
        cursor.execute(statement.format("off"))


@pytest.fixture
def full_disk(article):
    """The error each database gives when its disk is full: SQLite stops at
    max_page_count with SQLITE_FULL; PostgreSQL raises SQLSTATE 53100 (here
    from a trigger, as its storage would)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # No free pages left over from earlier tests to write into.
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA page_count")
            (pages,) = cursor.fetchone()
            cursor.execute(f"PRAGMA max_page_count = {pages}")
        else:
            cursor.execute(
                "CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER disk_full BEFORE INSERT ON comments_comment FOR EACH ROW EXECUTE FUNCTION disk_full()"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA max_page_count = 1073741823")
        else:
            cursor.execute("DROP TRIGGER disk_full ON comments_comment")
            cursor.execute("DROP FUNCTION disk_full()")


def assert_comment_kept_on_its_form(response, body):
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Your comment was not saved yet" in page
    assert f"{body}</textarea>" in page
    assert "Content-Security-Policy" in response


def test_a_comment_to_a_read_only_database_comes_back_on_its_form_with_a_503(read_only_database, post_comment):
    response = post_comment(body="My careful words.")
    assert_comment_kept_on_its_form(response, "My careful words.")


def test_a_comment_to_a_full_disk_comes_back_on_its_form_with_a_503(full_disk, post_comment):
    response = post_comment(body=LONG_COMMENT)
    assert_comment_kept_on_its_form(response, LONG_COMMENT)


def test_the_same_comment_is_accepted_once_the_database_can_write_again(read_only_database, post_comment):
    post_comment(body="Sent twice.")
    with connection.cursor() as cursor:
        cursor.execute(
            {"sqlite": "PRAGMA query_only = off", "postgresql": "SET default_transaction_read_only = off"}[
                connection.vendor
            ]
        )
    assert post_comment(body="Sent twice.").status_code == 302
    assert Comment.objects.get().body == "Sent twice."


def test_an_admin_change_to_a_read_only_database_answers_503(admin_client, article, read_only_database):
    response = admin_client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 503
    assert "Not saved: please try again shortly" in response.content.decode()


def test_health_check_reports_a_database_that_cannot_write(read_only_database, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    # The mail worker's report never fails the check: only the checks are compared.
    assert {name: result for name, result in response.json().items() if name != "mail_worker"} == {
        "database": "error",
        "cache": "ok",
    }
