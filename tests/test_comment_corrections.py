"""A moderator corrects a comment's text before approving it (a phone number,
a shop's link taken out): the original is kept, readers and the commenter are
told the site team edited it, and the page shows the new text at once."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from comments.models import Comment, Correction, Status
from comments.moderation import approve, correct
from comments.privacy import erase_comments, export_comments

PHONE = "Call me on 0123 456 789 or buy it at https://shop.example/ta1 today."
CORRECTED = "Ask your doctor about it."


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def edit(client, comment, body, **changes):
    return client.post(change_url(comment), {"status": comment.status, "body": body, **changes})


@pytest.fixture
def shop_comment(article):
    return Comment.objects.create(article=article, name="Sam Seller", email="sam@example.org", body=PHONE)


def test_a_moderator_corrects_the_text_on_the_comments_page(moderator_client, shop_comment):
    response = edit(moderator_client, shop_comment, CORRECTED)
    assert response.status_code == 302
    shop_comment.refresh_from_db()
    assert (shop_comment.body, shop_comment.body_html) == (CORRECTED, f"<p>{CORRECTED}</p>")


def test_a_correction_counts_the_links_again(moderator, shop_comment):
    correct(shop_comment, body=CORRECTED, by=moderator)
    shop_comment.refresh_from_db()
    assert shop_comment.link_count == 0


def test_a_correction_keeps_the_original_text_who_and_when(moderator_client, moderator, shop_comment):
    edit(moderator_client, shop_comment, CORRECTED)
    shop_comment.refresh_from_db()
    correction = Correction.objects.get()
    assert (correction.comment, correction.original_body, correction.by) == (shop_comment, PHONE, moderator)
    assert (shop_comment.edited_by, shop_comment.edited_at) == (moderator, correction.at)


def test_the_comments_page_lists_the_correction_with_the_original_text(moderator_client, moderator, shop_comment):
    correct(shop_comment, body=CORRECTED, by=moderator)
    history = moderator_client.get(change_url(shop_comment)).content.decode()
    assert f"Text corrected, by {moderator}. It read:<blockquote>{PHONE}</blockquote>" in history.replace("&#x27;", "'")


def test_saving_the_same_text_records_no_correction(moderator_client, shop_comment):
    edit(moderator_client, shop_comment, f"  {PHONE}\r\n")
    assert not Correction.objects.exists()


def test_the_readers_name_and_email_stay_as_sent(moderator_client, shop_comment):
    edit(moderator_client, shop_comment, CORRECTED, name="Someone Else", email="x@y.z")
    shop_comment.refresh_from_db()
    assert (shop_comment.name, shop_comment.email) == ("Sam Seller", "sam@example.org")


@pytest.mark.parametrize("body", ["", " \n "])
def test_an_empty_text_is_refused_with_a_form_error(moderator_client, shop_comment, body):
    response = edit(moderator_client, shop_comment, body)
    assert response.context["adminform"].form.errors["body"] == [
        "Enter the comment's text. To take the whole comment down, reject it instead."
    ]
    shop_comment.refresh_from_db()
    assert shop_comment.body == PHONE


def test_a_text_over_the_limit_is_refused_and_the_typed_text_kept(moderator_client, shop_comment):
    typed = "Too long. " * 201
    response = edit(moderator_client, shop_comment, typed)
    form = response.context["adminform"].form
    assert form.errors["body"] == ["Comments can be at most 2000 characters (you wrote 2009)."]
    assert form["body"].value() == typed
    assert not Correction.objects.exists()


def test_staff_without_the_moderation_permission_cannot_correct_a_comment(client, staff_user, shop_comment):
    staff_user.user_permissions.add(*Permission.objects.filter(codename__in=("view_comment", "change_comment")))
    client.force_login(staff_user)
    response = edit(client, shop_comment, CORRECTED)
    assert response.status_code == 403
    shop_comment.refresh_from_db()
    assert shop_comment.body == PHONE


def test_the_article_page_marks_an_edited_comment(client, moderator, article, shop_comment):
    correct(shop_comment, body=CORRECTED, by=moderator)
    approve(shop_comment, by=moderator)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<span class="comment__edited">Edited by the site team</span></header><p>{CORRECTED}</p>' in page


def test_an_unedited_comment_carries_no_mark(client, article, approved_comment):
    assert "Edited by the site team" not in client.get(article.get_absolute_url()).content.decode()


def test_correcting_an_approved_comment_reaches_readers_at_once(client, moderator, article, shop_comment):
    approve(shop_comment, by=moderator)
    before = client.get(article.get_absolute_url())
    assert "0123 456 789" in before.content.decode()
    correct(shop_comment, body=CORRECTED, by=moderator)
    after = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "0123 456 789" not in after.content.decode()


def test_correcting_a_pending_comment_leaves_the_page_as_it_was(moderator, article, shop_comment):
    before = Comment.objects.get(pk=shop_comment.pk).article.comments_changed_at
    correct(shop_comment, body=CORRECTED, by=moderator)
    article.refresh_from_db()
    assert article.comments_changed_at == before


@pytest.fixture
def notified_comment(shop_comment):
    shop_comment.notify_on_publish = True
    shop_comment.save()
    return shop_comment


def test_the_publication_notice_says_the_site_team_edited_the_comment(moderator, notified_comment, deliver, past_undo):
    correct(notified_comment, body=CORRECTED, by=moderator)
    approve(notified_comment, by=moderator)
    deliver(after=past_undo)
    assert "The site team edited your comment before publishing it" in mail.outbox[0].body


def test_the_publication_notice_of_an_unedited_comment_says_nothing_of_edits(
    moderator, notified_comment, deliver, past_undo
):
    approve(notified_comment, by=moderator)
    deliver(after=past_undo)
    assert "edited" not in mail.outbox[0].body


def test_a_correction_right_after_approval_rewrites_the_notice_not_yet_sent(
    moderator, notified_comment, deliver, past_undo
):
    approve(notified_comment, by=moderator)
    correct(notified_comment, body=CORRECTED, by=moderator)
    deliver(after=past_undo)
    assert len(mail.outbox) == 1
    assert "The site team edited your comment before publishing it" in mail.outbox[0].body


def test_a_reply_notice_not_yet_sent_carries_the_corrected_text(
    moderator, article, approved_comment, deliver, past_undo
):
    approved_comment.notify_on_reply = True
    approved_comment.save()
    reply = Comment.objects.create(
        article=article,
        parent=approved_comment,
        in_reply_to=approved_comment,
        name="Ben",
        email="b@example.org",
        body=PHONE,
    )
    approve(reply, by=moderator)
    correct(reply, body=CORRECTED, by=moderator)
    deliver(after=past_undo)
    assert [CORRECTED in message.body and "0123" not in message.body for message in mail.outbox] == [True]


def test_erasure_takes_the_earlier_texts_too(moderator, article, shop_comment):
    correct(shop_comment, body=CORRECTED, by=moderator)
    approve(shop_comment, by=moderator)
    Comment.objects.create(
        article=article,
        parent=shop_comment,
        in_reply_to=shop_comment,
        name="Ben",
        email="b@example.org",
        body="Thanks.",
        status=Status.APPROVED,
    )
    erase_comments("sam@example.org")
    assert not Correction.objects.exists()


def test_the_export_holds_the_text_as_the_commenter_wrote_it(moderator, shop_comment):
    correct(shop_comment, body=CORRECTED, by=moderator)
    assert export_comments("sam@example.org")[0]["earlier_texts"] == [PHONE]


def test_the_queue_entry_links_to_the_page_where_the_text_is_corrected(moderator_client, shop_comment):
    queue = moderator_client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert f'<a class="queue-entry__edit" href="{change_url(shop_comment)}">Edit' in queue


def test_a_decision_button_on_the_comments_page_saves_the_corrected_text_first(moderator_client, shop_comment):
    moderator_client.post(change_url(shop_comment), {"status": "pending", "body": CORRECTED, "_decide": "approved"})
    shop_comment.refresh_from_db()
    assert (shop_comment.status, shop_comment.body) == (Status.APPROVED, CORRECTED)
    assert Correction.objects.get().original_body == PHONE


def test_a_decision_with_a_refused_text_decides_nothing_and_keeps_the_text(moderator_client, shop_comment):
    typed = "x" * 2001
    response = moderator_client.post(
        change_url(shop_comment), {"status": "pending", "body": typed, "_decide": "approved"}
    )
    assert response.status_code == 200
    assert typed in response.content.decode()
    shop_comment.refresh_from_db()
    assert (shop_comment.status, shop_comment.body) == (Status.PENDING, PHONE)
