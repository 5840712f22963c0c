"""The moderation queue's count of comments in each status is kept where
comments change: after every kind of change it equals what counting every
comment gives, also when two moderators decide at the same moment."""

import threading
from datetime import timedelta

import pytest
from comment_rows import comment
from django.db import connection
from django.utils import timezone

from comments import counts, moderation, privacy, replies
from comments.models import Comment, Status


def counted():
    """Each status's comments as counting every comment gives them."""
    return {status: Comment.objects.filter(status=status).count() for status in Status.values}


@pytest.fixture
def mixed(article):
    """Comments in every status, one of them answered, written past the services and counted."""
    answered = comment(article, "Ann", status=Status.APPROVED)
    comment(article, "Ben", status=Status.APPROVED, parent=answered)
    comment(article, "Cy")
    comment(article, "Dee")
    comment(article, "Eve", status=Status.SPAM)
    comment(article, "Fay", status=Status.REJECTED)
    counts.recount(article)
    return article


def test_recount_counts_comments_written_past_the_services(mixed):
    assert counts.by_status() == counted() == {"pending": 2, "approved": 2, "rejected": 1, "spam": 1}


def test_a_readers_new_comment_is_counted_among_the_pending(mixed, post_comment):
    post_comment(body="A new question.")
    assert counts.by_status() == counted()


def test_a_comment_held_as_spam_is_counted_among_the_spam(mixed, post_comment):
    post_comment(website="https://spam.example")
    assert counts.by_status() == counted()


@pytest.mark.parametrize("to", [Status.APPROVED, Status.REJECTED, Status.SPAM])
def test_a_decision_moves_the_comment_from_its_status_to_the_new_one(mixed, moderator, to):
    moderation.moderate(Comment.objects.get(name="Cy"), to=to, by=moderator)
    assert counts.by_status() == counted()


def test_an_undo_moves_the_comment_back(mixed, moderator):
    decision = moderation.reject(Comment.objects.get(name="Ann"), by=moderator)
    moderation.undo(decision, by=moderator)
    assert counts.by_status() == counted()


def test_a_decision_taken_on_a_stale_copy_moves_the_comment_from_where_it_really_is(mixed, moderator):
    stale = Comment.objects.get(name="Cy")
    moderation.approve(Comment.objects.get(name="Cy"), by=moderator)
    moderation.reject(stale, by=moderator)
    assert counts.by_status() == counted()


def test_a_site_teams_reply_is_counted_among_the_approved(mixed, moderator):
    replies.reply_as_site(Comment.objects.get(name="Ann"), body="Thank you.", by=moderator)
    assert counts.by_status() == counted()


def test_deleted_comments_are_no_longer_counted(mixed):
    moderation.delete(Comment.objects.exclude(name="Ann"))
    assert counts.by_status() == counted()


def test_erasure_uncounts_deleted_comments_and_counts_a_blanked_one_as_rejected(mixed):
    privacy.erase_comments("ann@example.org")
    privacy.erase_comments("eve@example.org")
    assert counts.by_status() == counted()


def test_the_retention_purge_uncounts_the_refused_comments_it_deletes(mixed):
    privacy.purge(now=timezone.now() + timedelta(days=3650))
    assert counts.by_status() == counted()


def test_deleting_an_article_takes_its_comments_counts_with_it(mixed, loaded_article):
    comment(loaded_article, "Gus")
    comment(loaded_article, "Hal", status=Status.APPROVED)
    counts.recount(loaded_article)
    loaded_article.delete()
    assert counts.by_status() == counted() == {"pending": 2, "approved": 2, "rejected": 1, "spam": 1}


def test_the_counts_add_up_every_articles_comments(mixed, loaded_article, moderator):
    received = moderation.receive(
        Comment(article=loaded_article, name="Gus", email="gus@example.org", body="Gus writes."), spam_reasons=()
    )
    moderation.approve(received, by=moderator)
    assert counts.by_status() == counted()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestTwoModeratorsAtOnce:
    """Each moderator on a database connection of their own, committing, as
    two requests in two processes would; both start at the same moment."""

    ROUNDS = 10

    @pytest.fixture
    def waiting(self, article):
        waiting = [comment(article, f"Reader{n}") for n in range(2 * self.ROUNDS)]
        counts.recount(article)
        return waiting

    def decide_at_once(self, decisions):
        """Run each of `decisions` (pairs of a status and the comments to move
        to it) on a connection of its own, together, one comment at a time."""
        start = threading.Barrier(len(decisions), timeout=120)
        failures = []

        def moderator(to, comments):
            try:
                for each in comments:
                    start.wait()
                    moderation.moderate(Comment.objects.get(pk=each.pk), to=to, by=None)
            except Exception as failure:  # reported by the test, whatever it is
                failures.append(failure)
                start.abort()
            finally:
                connection.close()

        threads = [threading.Thread(target=moderator, args=decision) for decision in decisions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return failures

    def test_decisions_on_different_comments_are_all_counted(self, waiting, shared_database):
        failures = self.decide_at_once([(Status.APPROVED, waiting[::2]), (Status.SPAM, waiting[1::2])])
        assert not failures
        assert counts.by_status() == counted() == {"pending": 0, "approved": 10, "rejected": 0, "spam": 10}

    def test_decisions_on_the_same_comments_move_each_comment_once(self, waiting, shared_database):
        failures = self.decide_at_once([(Status.APPROVED, waiting), (Status.REJECTED, waiting)])
        assert not failures
        assert counts.by_status() == counted()
        assert counted()[Status.PENDING] == 0
