"""Emails: moderators hear of each new pending comment; a commenter who asked hears once of
publication, after the decision's undo window. Every email goes through the outbox."""

import re

import pytest
from django.core import mail
from django.db import transaction

from comments.models import Comment, ModeratorNotices
from comments.moderation import approve, receive, reject, return_to_pending
from comments.notifications import Kind
from outbox import opt_outs
from outbox.models import OutboundEmail


@pytest.fixture
def send(post_comment, deliver):
    """Post a comment, then run the outbox's sender."""

    def _send(**changes):
        response = post_comment(**changes)
        deliver()
        return response

    return _send


def test_each_moderator_gets_a_separate_email_about_a_new_comment(send, moderators_with_email):
    send()
    assert sorted(message.to[0] for message in mail.outbox) == moderators_with_email
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)


def test_moderator_email_links_to_the_comment_in_the_admin_and_performs_nothing(send, moderators_with_email, settings):
    send()
    comment = Comment.objects.get()
    links = re.findall(r"https?://\S+", mail.outbox[0].body.split("\n-- \n")[0])
    assert links == [f"{settings.SITE_URL}/admin/comments/comment/{comment.pk}/change/"]


def test_moderator_email_quotes_the_comment(send, moderators_with_email):
    send()
    assert "A thoughtful comment." in mail.outbox[0].body


def test_moderator_email_does_not_reveal_the_commenters_address(send, moderators_with_email):
    send()
    assert "ada@example.org" not in mail.outbox[0].message().as_string()


def test_moderators_are_emailed_about_a_comment_waiting_for_its_links_with_the_reason(send, moderators_with_email):
    send(body="See https://pubmed.ncbi.nlm.nih.gov/1/ and https://clinicaltrials.gov/study/NCT2")
    assert sorted(message.to[0] for message in mail.outbox) == moderators_with_email
    assert "Held for review because:\n- Contains 2 links" in mail.outbox[0].body


def test_moderators_are_not_emailed_about_comments_held_as_spam(send, moderators_with_email):
    send(website="filled in by a bot")
    assert mail.outbox == []


def asks_for_spam(user):
    ModeratorNotices.objects.update_or_create(user=user, defaults={"held_spam": True})
    return user


def test_a_moderator_who_asked_gets_one_email_about_a_comment_held_as_spam(send, moderators_with_email, moderator):
    asks_for_spam(moderator)
    send(website="filled in by a bot")
    assert [message.to for message in mail.outbox] == [["mod.one@example.org"]]


def test_the_held_spam_email_says_why_and_links_to_the_comment_in_the_admin(
    send, moderators_with_email, moderator, settings
):
    settings.COMMENTS_BLOCKLIST = ["casino"]
    asks_for_spam(moderator)
    send(website="filled in by a bot", body="Win at the casino.")
    comment = Comment.objects.get()
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == f"Comment held as spam on “{comment.article.title}”"
    assert "Held as spam because:\n- The hidden honeypot field was filled in.\n- Matches the blocklist: casino." in body
    assert f"{settings.SITE_URL}/admin/comments/comment/{comment.pk}/change/" in body


def test_the_held_spam_email_leaves_out_the_spammers_text(send, moderators_with_email, moderator):
    asks_for_spam(moderator)
    send(website="filled in by a bot", body="Cheap pills at https://spam.example/")
    assert "spam.example" not in mail.outbox[0].body


def test_a_moderator_who_asked_is_not_emailed_twice_about_a_pending_comment(send, moderators_with_email, moderator):
    asks_for_spam(moderator)
    send()
    assert sorted(message.to[0] for message in mail.outbox) == moderators_with_email
    assert all(message.subject.startswith("New comment to review") for message in mail.outbox)


def test_an_inactive_moderator_who_asked_gets_no_email_about_held_spam(send, moderators_with_email, moderator):
    asks_for_spam(moderator)
    moderator.is_active = False
    moderator.save()
    send(website="filled in by a bot")
    assert mail.outbox == []


def test_a_former_moderator_who_asked_gets_no_email_about_held_spam(send, moderators_with_email, moderator):
    asks_for_spam(moderator)
    moderator.groups.clear()
    send(website="filled in by a bot")
    assert mail.outbox == []


def test_an_unsubscribed_moderator_gets_no_email_about_held_spam(send, moderators_with_email, moderator):
    asks_for_spam(moderator)
    opt_outs.unsubscribe(opt_outs.address_hash("mod.one@example.org"))
    send(website="filled in by a bot")
    assert mail.outbox == []


def test_held_spam_emails_stop_with_the_moderator_emails(send, moderators_with_email, moderator, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = False
    asks_for_spam(moderator)
    send(website="filled in by a bot")
    assert mail.outbox == []


def test_moderator_notification_can_be_turned_off(send, moderators_with_email, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = False
    send()
    assert mail.outbox == []


def test_with_comment_emails_off_nothing_is_written_to_the_outbox(send, moderators_with_email, settings):
    settings.COMMENTS_EMAILS = False
    send()
    assert not OutboundEmail.objects.exists()


def test_editors_are_not_emailed_about_comments(send, editor):
    editor.email = "editor@example.org"
    editor.save()
    send()
    assert mail.outbox == []


def test_posting_a_comment_sends_nothing_itself_but_writes_the_outbox(post_comment, moderators_with_email):
    post_comment()
    assert mail.outbox == []
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == moderators_with_email


def test_the_moderator_notice_is_written_in_the_same_transaction_as_the_comment(article, moderators_with_email):
    comment = Comment(article=article, name="Ada", email="ada@example.org", body="Rolled back.")
    with pytest.raises(RuntimeError), transaction.atomic():
        receive(comment, spam_reasons=[])
        assert OutboundEmail.objects.count() == len(moderators_with_email)
        raise RuntimeError("the request failed after storing")
    assert not Comment.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.fixture
def approve_and_deliver(moderator, deliver, past_undo):
    def _approve(comment):
        approve(comment, by=moderator)
        deliver(after=past_undo)

    return _approve


def test_commenter_who_consented_gets_one_email_on_approval(send, approve_and_deliver, settings):
    send(notify_on_publish="on")
    mail.outbox.clear()
    comment = Comment.objects.get()
    approve_and_deliver(comment)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert f"{settings.SITE_URL}/comments/{comment.pk}/" in mail.outbox[0].body


def test_the_published_email_waits_for_the_undo_window_to_close(send, moderator, deliver, settings):
    send(notify_on_publish="on")
    mail.outbox.clear()
    approve(Comment.objects.get(), by=moderator)
    deliver(after=settings.MODERATION_UNDO_SECONDS - 1)
    assert mail.outbox == []
    deliver(after=settings.MODERATION_UNDO_SECONDS + 1)
    assert len(mail.outbox) == 1


def test_undoing_an_approval_within_the_window_cancels_its_email(send, moderator, deliver, past_undo):
    send(notify_on_publish="on")
    mail.outbox.clear()
    comment = Comment.objects.get()
    approve(comment, by=moderator)
    return_to_pending(comment, by=moderator)
    deliver(after=past_undo)
    assert mail.outbox == []
    assert OutboundEmail.objects.get(kind=Kind.PUBLICATION_NOTICE).cancelled_at is not None


def test_approving_again_after_an_undo_sends_the_email_once(send, moderator, approve_and_deliver):
    send(notify_on_publish="on")
    mail.outbox.clear()
    comment = Comment.objects.get()
    approve(comment, by=moderator)
    return_to_pending(comment, by=moderator)
    approve_and_deliver(comment)
    assert len(mail.outbox) == 1


def test_commenter_without_consent_gets_no_email(send, approve_and_deliver):
    send()
    mail.outbox.clear()
    approve_and_deliver(Comment.objects.get())
    assert mail.outbox == []


def test_commenter_is_emailed_only_once_however_often_the_comment_is_approved(send, approve_and_deliver, moderator):
    send(notify_on_publish="on")
    mail.outbox.clear()
    comment = Comment.objects.get()
    approve_and_deliver(comment)
    return_to_pending(comment, by=moderator)
    approve_and_deliver(comment)
    assert len(mail.outbox) == 1


def test_rejection_sends_the_commenter_nothing(send, moderator, deliver, past_undo):
    send(notify_on_publish="on")
    mail.outbox.clear()
    reject(Comment.objects.get(), by=moderator)
    deliver(after=past_undo)
    assert mail.outbox == []


def test_publication_is_recorded_as_notified_only_once_the_email_is_sent(send, moderator, deliver, past_undo):
    send(notify_on_publish="on")
    comment = Comment.objects.get()
    approve(comment, by=moderator)
    comment.refresh_from_db()
    assert comment.publication_notice_sent_at is None
    deliver(after=past_undo)
    comment.refresh_from_db()
    assert comment.publication_notice_sent_at is not None


@pytest.fixture
def asker(approved_comment):
    """An approved comment whose author asked to hear about replies."""
    approved_comment.notify_on_reply = True
    approved_comment.save()
    return approved_comment


def reply_to(parent, email="bo@example.org", body="An answer."):
    return Comment.objects.create(article=parent.article, parent=parent, name="Bo", email=email, body=body)


def test_a_commenter_who_asked_gets_one_email_per_published_reply(asker, approve_and_deliver):
    approve_and_deliver(reply_to(asker, body="First answer."))
    approve_and_deliver(reply_to(asker, email="cy@example.org", body="Second answer."))
    assert [message.to for message in mail.outbox] == [["pat@example.org"]] * 2
    assert "First answer." in mail.outbox[0].body and "Second answer." in mail.outbox[1].body
    assert "bo@example.org" not in mail.outbox[0].message().as_string()


def test_the_reply_email_is_recorded_as_sent_on_the_reply(asker, approve_and_deliver):
    reply = reply_to(asker)
    approve_and_deliver(reply)
    reply.refresh_from_db()
    assert reply.reply_notice_sent_at is not None


def test_no_reply_email_without_consent(approved_comment, approve_and_deliver):
    approve_and_deliver(reply_to(approved_comment))
    assert mail.outbox == []


def test_no_reply_email_about_ones_own_reply(asker, approve_and_deliver):
    approve_and_deliver(reply_to(asker, email="PAT@example.org"))
    assert mail.outbox == []


def test_no_reply_email_while_the_reply_is_pending(asker, deliver, past_undo):
    reply_to(asker)
    deliver(after=past_undo)
    assert mail.outbox == []
