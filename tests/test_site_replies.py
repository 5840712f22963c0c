"""Staff reply as the site: published at once, marked, without an email address, the author
recorded; moderators may approve and reply in one step; editors may be given the permission
without seeing the queue."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from comments.models import Comment, Status

REPLY = "Thank you: the evidence section covers this."


def site_reply_url(comment, next_url=""):
    return reverse("comments:site_reply", args=[comment.pk]) + (f"?next={next_url}" if next_url else "")


def post_site_reply(client, comment, action="reply", body=REPLY, **extra):
    return client.post(site_reply_url(comment), {"body": body, "action": action, **extra})


@pytest.fixture
def answering_editor(editor):
    editor.user_permissions.add(Permission.objects.get(codename="reply_as_site"))
    return editor


def test_moderators_may_reply_as_the_site(db):
    assert Group.objects.get(name="Moderators").permissions.filter(codename="reply_as_site").exists()


def test_a_site_reply_is_published_at_once_marked_and_recorded(moderator_client, moderator, approved_comment):
    response = post_site_reply(moderator_client, approved_comment)
    reply = Comment.objects.get(by_site_team=True)
    assert response.status_code == 302
    assert response["Location"] == reply.get_absolute_url()
    assert (reply.status, reply.name, reply.email, reply.author, reply.parent) == (
        Status.APPROVED,
        "Site team",
        "",
        moderator,
        approved_comment,
    )
    page = moderator_client.get(approved_comment.article.get_absolute_url()).content.decode()
    assert (
        f'class="comment--site"><header><a href="#comment-{reply.pk}"><b class="comment__badge">Site team</b>' in page
    )
    assert REPLY in page


def test_the_site_reply_form_has_no_email_field(moderator_client, approved_comment):
    page = moderator_client.get(site_reply_url(approved_comment)).content.decode()
    assert 'name="body"' in page
    assert 'name="email"' not in page and 'name="name"' not in page


def test_a_site_reply_to_a_reply_joins_the_thread(moderator_client, approved_comment):
    first = Comment.objects.create(
        article=approved_comment.article,
        parent=approved_comment,
        in_reply_to=approved_comment,
        name="Ben",
        email="ben@example.org",
        body="A question.",
        status=Status.APPROVED,
    )
    post_site_reply(moderator_client, first)
    reply = Comment.objects.get(by_site_team=True)
    assert (reply.parent, reply.in_reply_to) == (approved_comment, first)


def test_approve_and_reply_is_one_step(moderator_client, moderator, pending_comment):
    page = moderator_client.get(site_reply_url(pending_comment)).content.decode()
    assert 'value="approve-and-reply">Approve and reply</button>' in page
    response = post_site_reply(moderator_client, pending_comment, action="approve-and-reply")
    assert response.status_code == 302
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.APPROVED
    assert pending_comment.decisions.get().by == moderator
    assert Comment.objects.get(by_site_team=True).parent == pending_comment


def test_a_plain_reply_to_an_unpublished_comment_is_refused_and_nothing_changes(moderator_client, pending_comment):
    response = post_site_reply(moderator_client, pending_comment, action="reply")
    assert response.status_code == 400
    assert "approve it and reply" in response.content.decode()
    assert not Comment.objects.filter(by_site_team=True).exists()
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.PENDING


def test_an_empty_site_reply_is_refused_with_a_reason(moderator_client, approved_comment):
    response = post_site_reply(moderator_client, approved_comment, body="   ")
    assert response.status_code == 400
    assert "Enter your comment." in response.content.decode()
    assert not Comment.objects.filter(by_site_team=True).exists()


def test_a_site_reply_with_a_control_character_is_refused_with_a_reason(moderator_client, approved_comment):
    response = post_site_reply(moderator_client, approved_comment, body="Thank you\x07.")
    assert response.status_code == 400
    assert "Remove the invisible control characters" in response.content.decode()
    assert not Comment.objects.filter(by_site_team=True).exists()


def test_an_editor_given_the_permission_replies_to_published_comments(client, answering_editor, approved_comment):
    client.force_login(answering_editor)
    assert post_site_reply(client, approved_comment).status_code == 302
    assert Comment.objects.get(by_site_team=True).author == answering_editor


def test_the_permission_does_not_open_the_queue_to_an_editor(client, answering_editor, pending_comment):
    client.force_login(answering_editor)
    assert client.get(site_reply_url(pending_comment)).status_code == 404
    assert post_site_reply(client, pending_comment, action="approve-and-reply").status_code == 404
    assert client.get(reverse("admin:comments_comment_changelist")).status_code == 403
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.PENDING


def test_staff_without_the_permission_cannot_reply_as_the_site(editor_client, approved_comment):
    assert editor_client.get(site_reply_url(approved_comment)).status_code == 403
    assert post_site_reply(editor_client, approved_comment).status_code == 403
    assert not Comment.objects.filter(by_site_team=True).exists()


def test_a_visitor_is_sent_to_sign_in(client, approved_comment):
    response = client.get(site_reply_url(approved_comment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_reader_reply_page_offers_staff_the_site_reply(client, answering_editor, approved_comment):
    url = reverse("comments:reply", args=[approved_comment.pk])
    assert "Reply as the site team instead" not in client.get(url).content.decode()
    client.force_login(answering_editor)
    assert "Reply as the site team instead" in client.get(url).content.decode()


def test_after_replying_from_the_admin_the_moderator_goes_back_there(moderator_client, approved_comment):
    back = reverse("admin:comments_comment_change", args=[approved_comment.pk])
    response = post_site_reply(moderator_client, approved_comment, next=back)
    assert response["Location"] == back


def test_a_next_address_on_another_site_is_ignored(moderator_client, approved_comment):
    response = post_site_reply(moderator_client, approved_comment, next="https://evil.example/")
    assert response["Location"] == Comment.objects.get(by_site_team=True).get_absolute_url()


def test_the_admin_comment_page_offers_the_right_reply(moderator_client, approved_comment, article):
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[approved_comment.pk])).content.decode()
    assert ">Reply as the site</a>" in page
    pending = Comment.objects.create(article=article, name="Q", email="q@example.org", body="Queued.")
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[pending.pk])).content.decode()
    assert ">Approve and reply</a>" in page


def test_the_commenter_who_asked_hears_of_a_site_reply_at_once(moderator_client, approved_comment, deliver):
    Comment.objects.filter(pk=approved_comment.pk).update(notify_on_reply=True)
    post_site_reply(moderator_client, approved_comment)
    deliver()
    assert [message.to for message in mail.outbox] == [["pat@example.org"]]
    assert "The site team replied to your comment" in mail.outbox[0].body


def test_the_moderation_queue_offers_approve_and_reply_and_comes_back_to_it(moderator_client, pending_comment):
    queue = reverse("admin:comments_comment_changelist")
    page = moderator_client.get(queue).content.decode()
    link = f'href="{site_reply_url(pending_comment)}?next={queue}"'
    assert f'{link}>Approve and reply<span class="visually-hidden"> to Pat Pending</span></a>' in page
    response = post_site_reply(moderator_client, pending_comment, action="approve-and-reply", next=queue)
    assert response["Location"] == queue


def test_the_queue_offers_a_published_comment_the_site_reply(moderator_client, approved_comment):
    page = moderator_client.get(
        reverse("admin:comments_comment_changelist") + "?status__exact=approved"
    ).content.decode()
    assert '>Reply as the site<span class="visually-hidden"> to Pat Pending</span></a>' in page


def post_for_the_queue(client, comment, action="reply", body=REPLY):
    return client.post(
        site_reply_url(comment), {"body": body, "action": action}, headers={"Accept": "application/json"}
    )


def test_a_site_reply_sent_from_the_queue_is_answered_with_its_address(moderator_client, approved_comment):
    response = post_for_the_queue(moderator_client, approved_comment)
    reply = Comment.objects.get(by_site_team=True)
    assert response.status_code == 200
    assert response.json() == {
        "message": "Your reply as the site team is published.",
        "reply_url": reply.get_absolute_url(),
    }


def test_approve_and_reply_from_the_queue_answers_as_a_decision_does(moderator_client, pending_comment):
    data = post_for_the_queue(moderator_client, pending_comment, action="approve-and-reply").json()
    assert data["reply_url"] == Comment.objects.get(by_site_team=True).get_absolute_url()
    assert (data["status"], data["status_label"], data["pending_count"]) == (Status.APPROVED, "Approved", 0)
    assert data["status_counts"][Status.APPROVED] == 2
    assert (data["decision"], data["undo_seconds"]) == (None, 0)
    assert data["message"] == "Approved: the comment by Pat Pending. Your reply as the site team is published."


def test_an_empty_site_reply_from_the_queue_is_refused_with_the_forms_reason(moderator_client, approved_comment):
    response = post_for_the_queue(moderator_client, approved_comment, body="   ")
    assert (response.status_code, response.json()) == (400, {"error": "Enter your comment."})
    assert not Comment.objects.filter(by_site_team=True).exists()


def test_a_plain_reply_from_the_queue_to_an_unpublished_comment_is_refused(moderator_client, pending_comment):
    response = post_for_the_queue(moderator_client, pending_comment)
    assert response.status_code == 400
    assert "approve it and reply" in response.json()["error"]
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.PENDING
