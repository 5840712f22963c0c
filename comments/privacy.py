"""Answers to data-protection requests, keyed by the commenter's email
address, and the retention rule that forgets what is no longer needed."""

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles import versions

from . import counts, moderation
from .models import Comment, Status

EXPORTED_FIELDS = ("name", "email", "body", "status", "notify_on_publish", "notify_on_reply", "user_agent")


def export_comments(email):
    comments = Comment.objects.by_email(email).select_related("article").order_by("created_at", "pk")
    return [
        {
            "id": comment.pk,
            "article": comment.article.title,
            "article_url": comment.article.get_absolute_url(),
            "created_at": comment.created_at.isoformat(),
            **{field: getattr(comment, field) for field in EXPORTED_FIELDS},
            # The text as the commenter wrote it, before a moderator corrected it.
            "earlier_texts": [correction.original_body for correction in comment.corrections.order_by("at", "pk")],
        }
        for comment in comments
    ]


def _delete(comments):
    """Delete the comments with everything that names them: their moderation
    decisions and corrections (by cascade) and the admin's log entries,
    whose descriptions carry the commenter's name. A comment that others
    replied to is blanked instead (name, address, text, earlier texts and
    traces gone; shown as "Comment removed"), since deleting it would take
    their replies too. Returns how many comments were erased."""
    with transaction.atomic():
        pks = set(comments.values_list("pk", flat=True))
        others_replies = Comment.objects.filter(parent=OuterRef("pk")).exclude(pk__in=pks)
        answered = list(Comment.objects.filter(pk__in=pks).filter(Exists(others_replies)))
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Comment), object_id__in=[str(pk) for pk in pks]
        ).delete()
        deleted = moderation.delete(Comment.objects.filter(pk__in=pks - {comment.pk for comment in answered}))
        for comment in answered:
            comment.name = comment.email = comment.body = comment.ip_hmac = comment.user_agent = ""
            was, comment.status = comment.status, Status.REJECTED
            comment.notify_on_publish = comment.notify_on_reply = False
            comment.save()
            comment.corrections.all().delete()
            counts.status_changed(comment, was=was)
            counts.thread_changed(comment)
            versions.moved(comment.article_id, comments=True)
    return deleted + len(answered)


def erase_comments(email):
    """Erase every comment from this address (see _delete). Returns how many."""
    return _delete(Comment.objects.by_email(email))


def purge(*, now=None):
    """Forget address hashes and user agents older than
    COMMENTS_KEEP_TRACES_DAYS, and delete rejected and spam comments refused
    more than COMMENTS_KEEP_REFUSED_DAYS ago. Safe to repeat. Returns
    (comments whose traces were cleared, refused comments deleted)."""
    now = now or timezone.now()
    traces_before = now - timedelta(days=settings.COMMENTS_KEEP_TRACES_DAYS)
    refused_before = now - timedelta(days=settings.COMMENTS_KEEP_REFUSED_DAYS)
    cleared = (
        Comment.objects.filter(created_at__lt=traces_before)
        .exclude(ip_hmac="", user_agent="")
        .update(ip_hmac="", user_agent="")
    )
    # Spam held on arrival was never moderated: its age counts from arrival.
    refused = (
        Comment.objects.filter(status__in=(Status.REJECTED, Status.SPAM))
        # A comment already blanked because others replied to it stays for them.
        .exclude(body="")
        .alias(refused_at=Coalesce("moderated_at", "created_at"))
        .filter(refused_at__lt=refused_before)
    )
    return cleared, _delete(refused)
