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

The moderation queue's numbers are kept the same way: how many of each
article's comments hold each status (StatusCount), moved by status_changed()
wherever a comment is stored or changes status (moderation.py, replies.py,
privacy.py) and by delete(), and read by by_status() for the queue's counts
and the badge on every admin page. The move adds to the stored number in the
database rather than writing back one read before, so two moderators deciding
at the same moment both count. Deleting an article takes its counts with it.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, F, Func, OuterRef, Q, Subquery, Sum

from articles import versions
from articles.models import Article

from .models import Comment, Status, StatusCount


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
            _add(Counter((comment.article_id, comment.status) for comment in doomed), sign=-1)
            for comment in doomed:
                thread_changed(comment)
    return deleted


def recount(article):
    """Count every thread of `article` and its comments in each status afresh,
    and move its page, for comments written past the services (bulk_create,
    the shell, SQL by hand), which thread_changed() and status_changed() never
    saw."""
    approved = _approved_in(OuterRef("pk")).order_by().values(count=Func("pk", function="COUNT"))
    with transaction.atomic():
        comments = Comment.objects.filter(article=article)
        comments.filter(parent=None).update(approved_in_thread=Subquery(approved))
        Article.objects.filter(pk=article.pk).update(
            comment_count=comments.approved().count(), thread_count=comments.threads().count()
        )
        in_status = dict(comments.order_by().values_list("status").annotate(Count("pk")))
        StatusCount.objects.bulk_create(
            [StatusCount(article=article, status=status, count=in_status.get(status, 0)) for status in Status.values],
            update_conflicts=True,
            unique_fields=("article", "status"),
            update_fields=("count",),
        )
        versions.moved(article, comments=True)


def status_changed(comment, *, was):
    """Count `comment` under its status now instead of `was` (None for a
    comment just stored), in the transaction that changed it."""
    moves = Counter({(comment.article_id, comment.status): 1})
    moves[comment.article_id, was] -= 1
    _add(moves)


def by_status():
    """{status: how many comments hold it}, every status included: one query
    reading a few rows, whatever the number of comments."""
    kept = dict(StatusCount.objects.order_by().values_list("status").annotate(Sum("count")))
    return {status: kept.get(status) or 0 for status in Status.values}


def _add(changes, *, sign=1):
    """Add each number in `changes` ({(article id, status): n}) to what is
    kept, in one statement that adds in the database, creating the row an
    article's first comment in a status needs. Rows in one order, so that two
    transactions moving the same ones never wait on each other crosswise."""
    rows = sorted((article, status, sign * n) for (article, status), n in changes.items() if n and status)
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(StatusCount._meta.db_table)
    count = quote(StatusCount._meta.get_field("count").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, status, {count}) VALUES {', '.join(['(%s, %s, %s)'] * len(rows))} "
            f"ON CONFLICT (article_id, status) DO UPDATE SET {count} = {table}.{count} + excluded.{count}",
            [value for row in rows for value in row],
        )
