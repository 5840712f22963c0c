"""The article page's numbers, kept where comments change instead of counted
for every page: on each article how many comments readers see and how many
threads its pages hold, and on each top-level comment how many of its thread
are approved (the index the pages are read from holds the threads where that
is above zero). A page then costs the same at 500 comments as at 100,000.

Every service that saves or deletes a comment readers could see calls
thread_changed() in the transaction that makes the change (moderation.py,
replies.py, privacy.py, and delete() here for deleting them outright): it counts
the approved comments of that one thread and moves the article's numbers by
the difference from what the thread held before. Comments written past those
services are counted by recount().
"""

from django.db import transaction
from django.db.models import F, Func, OuterRef, Q, Subquery

from articles import versions
from articles.models import Article

from .models import Comment


def _approved_in(thread):
    return Comment.objects.approved().filter(Q(pk=thread) | Q(parent=thread))


def thread_changed(comment):
    """Count `comment`'s thread again, after it was saved or deleted."""
    thread = comment.parent_id or comment.pk
    with transaction.atomic():
        # Locked first, so that changes to one thread are counted one after
        # the other, each seeing the one before.
        locked = Comment.objects.select_for_update().filter(pk=thread)
        held = locked.values_list("approved_in_thread", flat=True).first()
        if held is None:
            # The top-level comment itself was deleted (never with replies,
            # which protect it): what it held goes with it.
            held = comment.approved_in_thread
        approved = _approved_in(thread).count()
        if approved == held:
            return
        Comment.objects.filter(pk=thread).update(approved_in_thread=approved)
        Article.objects.filter(pk=comment.article_id).update(
            comment_count=F("comment_count") + (approved - held),
            thread_count=F("thread_count") + (int(approved > 0) - int(held > 0)),
        )


def delete(comments):
    """Delete `comments` (a queryset) and count each thread they were in
    again. Replies go first: the comments they answer protect them, and a
    top-level comment is read only once its replies are counted, so that what
    it held is current when it goes. Returns how many comments went."""
    deleted = 0
    with transaction.atomic():
        for batch in (comments.exclude(parent=None), comments.filter(parent=None)):
            doomed = list(batch)
            _, gone = Comment.objects.filter(pk__in=[comment.pk for comment in doomed]).delete()
            deleted += gone.get(Comment._meta.label, 0)
            for comment in doomed:
                thread_changed(comment)
    return deleted


def recount(article):
    """Count every thread of `article` afresh, and move its page, for comments
    written past the services (bulk_create, the shell, SQL by hand), which
    thread_changed() never saw."""
    approved = _approved_in(OuterRef("pk")).order_by().values(count=Func("pk", function="COUNT"))
    with transaction.atomic():
        comments = Comment.objects.filter(article=article)
        comments.filter(parent=None).update(approved_in_thread=Subquery(approved))
        Article.objects.filter(pk=article.pk).update(
            comment_count=comments.approved().count(), thread_count=comments.threads().count()
        )
        versions.moved(article, comments=True)
