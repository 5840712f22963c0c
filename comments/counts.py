"""The article page's numbers, kept where comments change instead of counted
for every page: on each article how many comments readers see and how many
threads its pages hold, and on each top-level comment how many of its thread
are approved (the index the pages are read from holds the threads where that
is above zero). A page then costs the same at 500 comments as at 100,000.

Every save and deletion of a comment comes through thread_changed()
(signals.py), in the transaction that makes it: it counts the approved
comments of that one thread and moves the article's numbers by the
difference from what the thread held before.
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


def recount(article):
    """Count every thread of `article` afresh, for comments written past their
    model (bulk_create, SQL by hand), which thread_changed() never saw."""
    approved = _approved_in(OuterRef("pk")).order_by().values(count=Func("pk", function="COUNT"))
    with transaction.atomic():
        comments = Comment.objects.filter(article=article)
        comments.filter(parent=None).update(approved_in_thread=Subquery(approved))
        Article.objects.filter(pk=article.pk).update(
            comment_count=comments.approved().count(), thread_count=comments.threads().count()
        )
        versions.moved(article, comments=True)
