"""The article keeps its count of comments readers see and of threads its pages
hold, and each thread how many of its comments are approved: after every
kind of change they equal what counting every comment gives."""

from datetime import timedelta

import pytest
from comment_rows import comment
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from articles.models import Article
from comments import counts, moderation, privacy, replies
from comments.models import Comment, Status


def counted(article):
    """The article's numbers as counting every comment gives them."""
    comments = Comment.objects.filter(article=article)
    answered = comments.approved().filter(parent=OuterRef("pk"))
    shown = comments.filter(parent=None).filter(Q(status=Status.APPROVED) | Exists(answered))
    in_threads = {
        head.pk: comments.approved().filter(Q(pk=head.pk) | Q(parent=head)).count()
        for head in comments.filter(parent=None)
    }
    return comments.approved().count(), shown.count(), in_threads


def kept(article):
    article = Article.objects.get(pk=article.pk)
    in_threads = dict(Comment.objects.filter(article=article, parent=None).values_list("pk", "approved_in_thread"))
    return article.comment_count, article.thread_count, in_threads


@pytest.fixture
def conversation(article):
    """Threads in every state: a published one with replies (one from its own
    author, one waiting), one waiting for review, a removed one that still has
    a published reply, and a lone published one."""
    published = comment(article, "Ann", status=Status.APPROVED)
    comment(article, "Ben", status=Status.APPROVED, parent=published)
    comment(article, "Ann", status=Status.APPROVED, parent=published)
    comment(article, "Cy", status=Status.PENDING, parent=published)
    comment(article, "Dee", status=Status.PENDING)
    removed = comment(article, "Eve", status=Status.REJECTED)
    comment(article, "Fay", status=Status.APPROVED, parent=removed)
    comment(article, "Gus", status=Status.APPROVED)
    counts.recount(article)
    return article


def by(name, *, parent=False):
    return Comment.objects.get(name=name, parent__isnull=not parent)


def approve_a_waiting_comment(moderator):
    moderation.approve(by("Dee"), by=moderator)


def approve_a_waiting_reply(moderator):
    moderation.approve(by("Cy", parent=True), by=moderator)


def reject_a_comment_others_answered(moderator):
    moderation.reject(by("Ann"), by=moderator)


def reject_the_last_reply_of_a_removed_comment(moderator):
    moderation.reject(by("Fay", parent=True), by=moderator)


def mark_a_published_comment_as_spam(moderator):
    moderation.mark_spam(by("Gus"), by=moderator)


def put_a_published_comment_back_to_pending(moderator):
    moderation.return_to_pending(by("Gus"), by=moderator)


def undo_an_approval(moderator):
    moderation.undo(moderation.approve(by("Dee"), by=moderator), by=moderator)


def undo_a_rejection(moderator):
    moderation.undo(moderation.reject(by("Gus"), by=moderator), by=moderator)


def publish_a_site_reply(moderator):
    replies.reply_as_site(by("Gus"), body="Thank you.", by=moderator)


def approve_and_reply(moderator):
    replies.approve_and_reply(by("Dee"), body="Welcome.", by=moderator)


def erase_a_commenter_who_was_answered(moderator):
    privacy.erase_comments("ann@example.org")


def erase_the_reply_of_a_removed_comment(moderator):
    privacy.erase_comments("fay@example.org")


def erase_a_lone_published_comment(moderator):
    privacy.erase_comments("gus@example.org")


def purge_refused_comments(moderator):
    moderation.reject(by("Gus"), by=moderator)
    privacy.purge(now=timezone.now() + timedelta(days=3650))


def delete_a_published_reply(moderator):
    moderation.delete(Comment.objects.filter(pk=by("Ben", parent=True).pk))


@pytest.mark.parametrize(
    "change",
    [
        approve_a_waiting_comment,
        approve_a_waiting_reply,
        reject_a_comment_others_answered,
        reject_the_last_reply_of_a_removed_comment,
        mark_a_published_comment_as_spam,
        put_a_published_comment_back_to_pending,
        undo_an_approval,
        undo_a_rejection,
        publish_a_site_reply,
        approve_and_reply,
        erase_a_commenter_who_was_answered,
        erase_the_reply_of_a_removed_comment,
        erase_a_lone_published_comment,
        purge_refused_comments,
        delete_a_published_reply,
    ],
)
def test_the_kept_counts_equal_the_counted_ones_after_each_kind_of_change(conversation, moderator, change):
    change(moderator)
    assert kept(conversation) == counted(conversation)


def test_a_new_articles_first_comment_is_counted_once_approved(article, pending_comment, moderator):
    moderation.approve(pending_comment, by=moderator)
    assert kept(article) == counted(article) == (1, 1, {pending_comment.pk: 1})


def test_a_comment_saved_from_an_old_copy_keeps_its_threads_count(conversation, moderator):
    stale = by("Ann")
    moderation.approve(by("Cy", parent=True), by=moderator)
    stale.name = "Ann B."
    stale.save()
    assert kept(conversation) == counted(conversation)


def test_recounting_finds_comments_written_past_their_model(conversation):
    Comment.objects.filter(name="Dee").update(status=Status.APPROVED)
    counts.recount(conversation)
    assert kept(conversation) == counted(conversation)


def test_recounting_moves_the_articles_version(conversation):
    before = Article.objects.get(pk=conversation.pk).comments_changed_at
    counts.recount(conversation)
    assert Article.objects.get(pk=conversation.pk).comments_changed_at > before
