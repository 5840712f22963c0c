"""Answers to data-protection requests, keyed by the commenter's email address."""

from .models import Comment

EXPORTED_FIELDS = ("name", "email", "body", "status", "notify_on_publish", "user_agent")


def export_comments(email):
    comments = Comment.objects.by_email(email).select_related("article").order_by("created_at", "pk")
    return [
        {
            "id": comment.pk,
            "article": comment.article.title,
            "article_url": comment.article.get_absolute_url(),
            "created_at": comment.created_at.isoformat(),
            **{field: getattr(comment, field) for field in EXPORTED_FIELDS},
        }
        for comment in comments
    ]


def erase_comments(email):
    """Delete every comment from this address, with its moderation records.
    Returns how many comments were erased."""
    _, deleted = Comment.objects.by_email(email).delete()
    return deleted.get(Comment._meta.label, 0)
