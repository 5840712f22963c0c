"""The outbox's move out of the comments app into an app of its own keeps
every email, attempt and opt-out, and Moderators still see it."""

import pytest
from django.contrib.auth.models import Group
from migrating import migrate_to, migrate_to_latest

from comments.models import Comment
from outbox.models import EmailOptOut, OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The outbox inside the comments app, before senders recorded a heartbeat.
BEFORE_THE_MOVE = ("comments", "0011_keyed_opt_out_digests")
OPT_OUT = "ab" * 32


@pytest.fixture
def moved():
    """A database as it was before the move (an email about a comment, tried
    twice, and an opt-out), migrated on. Returns the email's and the
    comment's ids."""
    apps = migrate_to(BEFORE_THE_MOVE)
    article = apps.get_model("articles", "Article").objects.create(title="T", slug="t", summary="S.", disclaimer="D.")
    comment = apps.get_model("comments", "Comment").objects.create(
        article=article, name="Ann", email="ann@example.org", email_key="ann@example.org", body="Hi."
    )
    email = apps.get_model("comments", "OutboundEmail").objects.create(
        kind="published", comment=comment, to="ann@example.org", subject="Published", body="Yes.", attempts=2
    )
    for error in ("refused", ""):
        apps.get_model("comments", "DeliveryAttempt").objects.create(email=email, error=error)
    apps.get_model("comments", "EmailOptOut").objects.create(address_hash=OPT_OUT)
    migrate_to_latest()
    yield email.pk, comment.pk
    migrate_to_latest()


def test_an_email_moved_to_the_outbox_app_keeps_its_fields_and_is_about_its_comment(moved):
    email_pk, comment_pk = moved
    email = OutboundEmail.objects.get(pk=email_pk)
    assert (email.kind, email.to, email.subject, email.attempts) == ("published", "ann@example.org", "Published", 2)
    assert email.about == Comment.objects.get(pk=comment_pk)


def test_every_attempt_and_opt_out_moves_with_the_outbox(moved):
    email_pk, _ = moved
    assert [attempt.error for attempt in OutboundEmail.objects.get(pk=email_pk).delivery_attempts.all()] == [
        "refused",
        "",
    ]
    assert list(EmailOptOut.objects.values_list("address_hash", flat=True)) == [OPT_OUT]


def test_moderators_still_see_the_outbox_and_send_failed_emails_again_after_the_move(moved):
    granted = Group.objects.get(name="Moderators").permissions.filter(content_type__app_label="outbox")
    assert set(granted.values_list("codename", flat=True)) == {
        "view_outboundemail",
        "view_deliveryattempt",
        "retry_outboundemail",
    }


def test_a_comment_deleted_after_the_move_takes_its_emails_with_it(moved):
    _, comment_pk = moved
    Comment.objects.filter(pk=comment_pk).delete()
    assert not OutboundEmail.objects.exists()


def test_going_back_before_the_move_gives_the_email_back_to_its_comment(moved):
    email_pk, comment_pk = moved
    apps = migrate_to(BEFORE_THE_MOVE)
    email = apps.get_model("comments", "OutboundEmail").objects.get(pk=email_pk)
    assert email.comment_id == comment_pk
    assert apps.get_model("comments", "EmailOptOut").objects.filter(address_hash=OPT_OUT).exists()
