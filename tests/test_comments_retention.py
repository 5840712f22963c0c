"""What is kept about commenters, for how long, and that erasure leaves
nothing identifying anywhere in the database."""

import io
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationDecision, Status
from comments.privacy import purge


def age(comment, days, *, field="created_at"):
    Comment.objects.filter(pk=comment.pk).update(**{field: timezone.now() - timedelta(days=days)})


@pytest.fixture
def traced(article):
    def make(days, **fields):
        comment = Comment.objects.create(
            article=article,
            name="T",
            email="t@example.org",
            body=f"{days} days.",
            ip_hmac="f" * 64,
            user_agent="Mozilla/5.0 Test",
            **fields,
        )
        age(comment, days)
        return comment

    return make


def test_purge_forgets_address_hashes_and_user_agents_after_90_days(traced):
    old, recent = traced(91), traced(89)
    purge()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_hmac, old.user_agent) == ("", "")
    assert (recent.ip_hmac, recent.user_agent) == ("f" * 64, "Mozilla/5.0 Test")
    assert old.body == "91 days."


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SPAM])
def test_purge_deletes_refused_comments_after_30_days(traced, status):
    old, recent = traced(31, status=status), traced(29, status=status)
    purge()
    assert list(Comment.objects.all()) == [recent]
    assert old.pk not in Comment.objects.values_list("pk", flat=True)


def test_a_refused_comments_age_counts_from_its_refusal(traced):
    comment = traced(40, status=Status.REJECTED)
    Comment.objects.filter(pk=comment.pk).update(moderated_at=timezone.now() - timedelta(days=5))
    purge()
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("status", [Status.APPROVED, Status.PENDING])
def test_purge_never_deletes_published_or_pending_comments(traced, status):
    comment = traced(400, status=status)
    purge()
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_retention_ages_are_configurable(traced, settings):
    settings.COMMENTS_KEEP_TRACES_DAYS = 10
    settings.COMMENTS_KEEP_REFUSED_DAYS = 5
    traces, refused = traced(11), traced(6, status=Status.SPAM)
    purge()
    traces.refresh_from_db()
    assert traces.ip_hmac == "" and not Comment.objects.filter(pk=refused.pk).exists()


def test_purge_command_reports_and_is_safe_to_repeat(traced):
    traced(91)
    traced(31, status=Status.SPAM)
    first, second = io.StringIO(), io.StringIO()
    call_command("purge_comments", stdout=first)
    call_command("purge_comments", stdout=second)
    assert "of 1 comment older than 90 days; deleted 1 rejected or spam comment older than 30" in first.getvalue()
    assert "of 0 comments older than 90 days; deleted 0 rejected or spam comments" in second.getvalue()


def every_value_in_the_database():
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            values += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(values)


def test_erasure_leaves_nothing_identifying_anywhere_in_the_database(
    client, post_comment, moderator_client, moderator, django_user_model
):
    client.defaults["HTTP_USER_AGENT"] = "Quirky-Agent/9.9"
    post_comment(
        client=client, name="Zelda Q. Identifiable", email="zelda.q@example.net", body="My rare condition xyzzy."
    )
    post_comment(client=client, name="Zelda Q. Identifiable", email="ZELDA.Q@EXAMPLE.NET", body="Second note plugh.")
    comments = list(Comment.objects.all())
    assert len(comments) == 2
    secrets = ["Zelda Q. Identifiable", "zelda.q@example.net", "xyzzy", "plugh", "Quirky-Agent", comments[0].ip_hmac]
    # Moderated through every path that writes a record: the change form
    # (which logs in the admin log, and keeps the text it corrects), the
    # queue's button and a bulk action.
    change = reverse("admin:comments_comment_change", args=[comments[0].pk])
    moderator_client.post(change, {"status": Status.APPROVED, "body": "A corrected note.", "_save": "1"})
    moderator_client.post(reverse("admin:comments_comment_decide", args=[comments[1].pk]), {"to": Status.REJECTED})
    moderator_client.post(
        f"{reverse('admin:comments_comment_changelist')}?status__exact=all",
        {"action": "mark_spam", "_selected_action": [comments[0].pk]},
    )
    assert LogEntry.objects.exists() and ModerationDecision.objects.count() == 3
    assert all(secret in every_value_in_the_database() for secret in secrets)

    moderator_client.post(
        f"{reverse('admin:comments_comment_changelist')}?status__exact=all",
        {"action": "erase_by_email", "_selected_action": [comments[0].pk]},
    )
    remaining = every_value_in_the_database()
    assert [secret for secret in secrets if secret in remaining] == []
    assert not Comment.objects.exists() and not ModerationDecision.objects.exists()


def test_the_privacy_notice_says_what_is_kept_for_how_long_and_how_to_ask(client, settings, db):
    settings.PRIVACY_CONTACT = "privacy@example.org"
    page = client.get(reverse("comments:privacy")).content.decode()
    for text in ("90 days", "30 days", "privacy@example.org", "erase", "copy", "IP address", "user-agent"):
        assert text in page


def test_the_comment_form_links_to_the_privacy_notice(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{reverse("comments:privacy")}"' in page
