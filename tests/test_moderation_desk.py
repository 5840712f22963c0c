"""The moderation desk: one decision per button, with or without JavaScript,
each through the one moderation function, undoable for a few seconds, with
no email leaving until the undo window has closed."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import counts, moderation
from comments.models import Comment, ModerationDecision, Status

CHANGELIST = reverse("admin:comments_comment_changelist")
JSON = {"HTTP_ACCEPT": "application/json"}


def decide_url(comment):
    return reverse("admin:comments_comment_decide", args=[comment.pk])


def undo_url(comment):
    return reverse("admin:comments_comment_undo", args=[comment.pk])


@pytest.fixture
def three_pending(article):
    pending = [
        Comment.objects.create(article=article, name=f"Reader {n}", email=f"r{n}@example.org", body=f"Pending {n}.")
        for n in range(3)
    ]
    counts.recount(article)
    return pending


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.SPAM])
def test_a_queue_button_without_javascript_decides_records_and_returns_to_the_queue(
    moderator_client, moderator, pending_comment, status
):
    response = moderator_client.post(decide_url(pending_comment), {"to": status, "next": f"{CHANGELIST}?q=Pat"})
    assert response.status_code == 302 and response["Location"] == f"{CHANGELIST}?q=Pat"
    pending_comment.refresh_from_db()
    assert pending_comment.status == status
    decision = pending_comment.decisions.get()
    assert (decision.from_status, decision.to_status, decision.by) == (Status.PENDING, status, moderator)


def test_the_queue_buttons_post_the_changelist_form_to_the_decision_address(moderator_client, pending_comment):
    page = moderator_client.get(CHANGELIST).content.decode()
    assert f'formaction="{decide_url(pending_comment)}" formmethod="post" name="to" value="approved"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_decision_never_sends_the_moderator_elsewhere(moderator_client, pending_comment):
    response = moderator_client.post(
        decide_url(pending_comment), {"to": Status.APPROVED, "next": "https://evil.example/"}
    )
    assert response["Location"] == CHANGELIST


def test_the_queues_script_gets_the_new_status_count_and_undo_as_json(moderator_client, three_pending):
    response = moderator_client.post(decide_url(three_pending[0]), {"to": Status.APPROVED}, **JSON)
    data = response.json()
    decision = ModerationDecision.objects.get()
    assert data["status"] == Status.APPROVED and data["status_label"] == "Approved"
    assert data["pending_count"] == 2
    assert data["decision"] == decision.pk
    assert data["undo_url"] == undo_url(three_pending[0])
    assert "Reader 0" in data["message"]


def test_deciding_what_is_already_decided_records_nothing(moderator_client, approved_comment):
    data = moderator_client.post(decide_url(approved_comment), {"to": Status.APPROVED}, **JSON).json()
    assert data["decision"] is None and "already approved" in data["message"]
    assert approved_comment.decisions.count() == 1


def test_deciding_answers_only_posts(moderator_client, pending_comment):
    assert moderator_client.get(decide_url(pending_comment)).status_code == 405


def test_deciding_needs_a_known_status(moderator_client, pending_comment):
    assert moderator_client.post(decide_url(pending_comment), {"to": "deleted"}).status_code == 400


def test_deciding_on_a_comment_that_does_not_exist_is_not_found(moderator_client, db):
    assert moderator_client.post("/admin/comments/comment/999/decide/", {"to": "approved"}).status_code == 404


@pytest.mark.parametrize("role", ["editor", "staff_user"])
def test_only_moderators_can_decide(client, request, pending_comment, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(decide_url(pending_comment), {"to": Status.APPROVED})
    assert response.status_code == 403
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.PENDING


def test_staff_who_may_only_view_comments_get_no_decision_buttons(client, staff_user, pending_comment):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(staff_user)
    page = client.get(CHANGELIST).content.decode()
    assert "Waiting for review." in page and "data-decision" not in page
    assert client.post(decide_url(pending_comment), {"to": Status.APPROVED}).status_code == 403


def test_undo_within_the_window_restores_the_status_and_is_recorded(
    moderator_client, moderator, pending_comment, settings
):
    settings.MODERATION_UNDO_SECONDS = 10
    decision_id = moderator_client.post(decide_url(pending_comment), {"to": Status.SPAM}, **JSON).json()["decision"]
    data = moderator_client.post(undo_url(pending_comment), {"decision": decision_id}, **JSON).json()
    assert data["status"] == Status.PENDING and data["pending_count"] == 1 and data["decision"] is None
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.PENDING
    assert list(pending_comment.decisions.values_list("to_status", flat=True)) == [Status.PENDING, Status.SPAM]


def test_undo_after_the_window_is_refused(moderator_client, pending_comment, settings):
    settings.MODERATION_UNDO_SECONDS = 10
    decision_id = moderator_client.post(decide_url(pending_comment), {"to": Status.REJECTED}, **JSON).json()["decision"]
    ModerationDecision.objects.filter(pk=decision_id).update(at=timezone.now() - timedelta(seconds=11))
    response = moderator_client.post(undo_url(pending_comment), {"decision": decision_id}, **JSON)
    assert response.status_code == 409 and "too late" in response.json()["error"]
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.REJECTED


def test_undo_of_a_decision_since_overtaken_is_refused(moderator_client, pending_comment, settings):
    settings.MODERATION_UNDO_SECONDS = 10
    first = moderator_client.post(decide_url(pending_comment), {"to": Status.REJECTED}, **JSON).json()["decision"]
    moderator_client.post(decide_url(pending_comment), {"to": Status.APPROVED}, **JSON)
    response = moderator_client.post(undo_url(pending_comment), {"decision": first}, **JSON)
    assert response.status_code == 409
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.APPROVED


def test_undo_of_an_unknown_decision_is_not_found(moderator_client, pending_comment):
    assert moderator_client.post(undo_url(pending_comment), {"decision": "x"}).status_code == 404


def test_without_javascript_the_next_page_offers_undo_until_the_window_closes(
    moderator_client, pending_comment, settings
):
    settings.MODERATION_UNDO_SECONDS = 10
    page = moderator_client.post(decide_url(pending_comment), {"to": Status.APPROVED}, follow=True).content.decode()
    decision = ModerationDecision.objects.get()
    assert f'action="{undo_url(pending_comment)}"' in page and f'value="{decision.pk}"' in page
    ModerationDecision.objects.update(at=timezone.now() - timedelta(seconds=11))
    assert f'action="{undo_url(pending_comment)}"' not in moderator_client.get(CHANGELIST).content.decode()


def test_the_undo_form_without_javascript_puts_the_comment_back(moderator_client, pending_comment, settings):
    settings.MODERATION_UNDO_SECONDS = 10
    moderator_client.post(decide_url(pending_comment), {"to": Status.APPROVED})
    decision = ModerationDecision.objects.get()
    response = moderator_client.post(undo_url(pending_comment), {"decision": decision.pk, "next": CHANGELIST})
    assert response["Location"] == CHANGELIST
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.PENDING


def test_without_javascript_a_decision_is_told_once_by_its_undo_offer(moderator_client, pending_comment, settings):
    settings.MODERATION_UNDO_SECONDS = 10
    page = moderator_client.post(decide_url(pending_comment), {"to": Status.APPROVED}, follow=True).content.decode()
    assert page.count("Approved: the comment by Pat Pending.") == 1


def test_a_decision_whose_undo_window_closed_before_the_next_page_is_still_told_once(
    moderator_client, pending_comment, settings
):
    settings.MODERATION_UNDO_SECONDS = 0
    page = moderator_client.post(decide_url(pending_comment), {"to": Status.APPROVED}, follow=True).content.decode()
    assert page.count("Approved: the comment by Pat Pending.") == 1 and 'class="undo-offer"' not in page
    assert "Approved: the comment by Pat Pending." not in moderator_client.get(CHANGELIST).content.decode()


def bulk(client, action, comments):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in comments], "index": 0}, follow=True
    )


def test_a_bulk_decision_is_offered_for_undo_as_its_one_success_message(moderator_client, three_pending, settings):
    settings.MODERATION_UNDO_SECONDS = 10
    page = bulk(moderator_client, "reject", three_pending[:2]).content.decode()
    assert page.count("Rejected 2 comments.") == 1
    assert f'action="{reverse("admin:comments_comment_undo_many")}"' in page
    for decision in ModerationDecision.objects.all():
        assert f'name="decision" value="{decision.pk}"' in page


def test_undo_many_takes_back_each_decision_still_its_comments_latest_and_refuses_the_rest(
    moderator, three_pending, settings
):
    settings.MODERATION_UNDO_SECONDS = 10
    first, second, third = three_pending
    decisions = [moderation.approve(comment, by=moderator) for comment in three_pending]
    moderation.reject(second, by=moderator)
    ModerationDecision.objects.filter(pk=decisions[2].pk).update(at=timezone.now() - timedelta(seconds=11))
    decisions[2].refresh_from_db()
    undone, refused = moderation.undo_many(decisions, by=moderator)
    assert [decision.comment for decision in undone] == [first]
    assert [(decision.comment, reason.split(";")[0]) for decision, reason in refused] == [
        (second, "The comment has been moderated again since"),
        (third, "It is too late to undo this"),
    ]
    assert [Comment.objects.get(pk=c.pk).status for c in three_pending] == [
        Status.PENDING,
        Status.REJECTED,
        Status.APPROVED,
    ]


def test_undoing_a_bulk_decision_names_what_it_could_not_undo(moderator_client, moderator, three_pending, settings):
    settings.MODERATION_UNDO_SECONDS = 10
    bulk(moderator_client, "mark_spam", three_pending)
    moderation.approve(three_pending[0], by=moderator)
    ids = list(ModerationDecision.objects.filter(to_status=Status.SPAM).values_list("pk", flat=True))
    page = moderator_client.post(
        reverse("admin:comments_comment_undo_many"), {"decision": ids}, follow=True
    ).content.decode()
    assert "Undone: 2 comments back as before." in page
    assert "Not undone for 1 comment (by Reader 0): The comment has been moderated again since" in page
    assert Comment.objects.get(pk=three_pending[0].pk).status == Status.APPROVED


def test_only_moderators_can_undo_a_bulk_decision(client, editor, moderator, three_pending):
    decision = moderation.approve(three_pending[0], by=moderator)
    client.force_login(editor)
    assert client.post(reverse("admin:comments_comment_undo_many"), {"decision": [decision.pk]}).status_code == 403


@pytest.fixture
def consenting_comment(article):
    return Comment.objects.create(
        article=article, name="Cy Consent", email="cy@example.org", body="Tell me.", notify_on_publish=True
    )


def test_no_publication_email_leaves_before_the_undo_window_closes(
    moderator_client, consenting_comment, settings, deliver
):
    settings.MODERATION_UNDO_SECONDS = 10
    moderator_client.post(decide_url(consenting_comment), {"to": Status.APPROVED})
    deliver(after=9)
    assert mail.outbox == []
    deliver(after=11)
    assert [message.to for message in mail.outbox] == [["cy@example.org"]]


def test_an_undone_approval_sends_no_email_and_the_next_approval_still_can(
    moderator_client, consenting_comment, settings, deliver
):
    settings.MODERATION_UNDO_SECONDS = 10
    decision = moderator_client.post(decide_url(consenting_comment), {"to": Status.APPROVED}, **JSON).json()
    moderator_client.post(undo_url(consenting_comment), {"decision": decision["decision"]})
    deliver(after=11)
    assert mail.outbox == []
    consenting_comment.refresh_from_db()
    assert consenting_comment.publication_notice_sent_at is None
    moderator_client.post(decide_url(consenting_comment), {"to": Status.APPROVED})
    deliver(after=11)
    assert len(mail.outbox) == 1


def test_an_approval_undone_and_made_again_waits_for_the_latest_window(
    moderator_client, consenting_comment, settings, deliver
):
    settings.MODERATION_UNDO_SECONDS = 10
    decision = moderator_client.post(decide_url(consenting_comment), {"to": Status.APPROVED}, **JSON).json()
    moderator_client.post(undo_url(consenting_comment), {"decision": decision["decision"]})
    moderator_client.post(decide_url(consenting_comment), {"to": Status.APPROVED})
    deliver(after=9)
    assert mail.outbox == []
    deliver(after=11)
    assert len(mail.outbox) == 1


def test_save_and_next_pending_opens_the_next_pending_comment(moderator_client, three_pending):
    url = reverse("admin:comments_comment_change", args=[three_pending[0].pk])
    response = moderator_client.post(url, {"status": Status.APPROVED, "body": three_pending[0].body, "_savenext": "1"})
    assert response["Location"] == reverse("admin:comments_comment_change", args=[three_pending[1].pk])
    three_pending[0].refresh_from_db()
    assert three_pending[0].status == Status.APPROVED


def test_save_and_next_pending_returns_to_the_queue_when_none_is_left(moderator_client, pending_comment):
    url = reverse("admin:comments_comment_change", args=[pending_comment.pk])
    response = moderator_client.post(url, {"status": Status.REJECTED, "body": pending_comment.body, "_savenext": "1"})
    assert response["Location"] == CHANGELIST


def test_the_comment_page_has_decision_buttons_and_save_and_next_pending(moderator_client, pending_comment):
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk])).content.decode()
    for status in (Status.APPROVED, Status.REJECTED, Status.SPAM):
        assert (
            f'form="comment_form" class="button queue-entry__decide queue-entry__decide--{status}" name="_decide" value="{status}"'
            in page
        )
    assert 'name="_savenext"' in page


def test_a_decision_on_the_comment_page_moves_on_to_the_next_pending(moderator_client, three_pending):
    comment = three_pending[1]
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    response = moderator_client.post(url, {"status": Status.PENDING, "body": comment.body, "_decide": Status.SPAM})
    assert response["Location"] == reverse("admin:comments_comment_change", args=[three_pending[2].pk])
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_the_queue_shows_name_article_age_and_spam_reasons(moderator_client, article):
    Comment.objects.create(
        article=article,
        name="Sam Spam",
        email="s@example.org",
        body="Buy.",
        status=Status.SPAM,
        spam_reasons="The hidden honeypot field was filled in.",
    )
    page = moderator_client.get(CHANGELIST, {"status__exact": "spam"}).content.decode()
    for text in ("Sam Spam", article.title, "ago</time>", "The hidden honeypot field was filled in."):
        assert text in page


def test_the_queue_filters_comments_with_links(moderator_client, article):
    linked = Comment.objects.create(article=article, name="L", email="l@example.org", body="See example.com now.")
    Comment.objects.create(article=article, name="P", email="p@example.org", body="Plain words.")
    rows = moderator_client.get(CHANGELIST, {"links": "yes"}).context["cl"].result_list
    assert list(rows) == [linked]


def test_the_queue_filters_by_spam_reason(moderator_client, article):
    linked = Comment.objects.create(
        article=article,
        name="F",
        email="f@example.org",
        body="x",
        status=Status.SPAM,
        spam_reasons="Contains 3 links (the limit is fewer than 2).",
    )
    Comment.objects.create(
        article=article,
        name="H",
        email="h@example.org",
        body="y",
        status=Status.SPAM,
        spam_reasons="The hidden honeypot field was filled in.",
    )
    rows = moderator_client.get(CHANGELIST, {"status__exact": "spam", "reason": "links"}).context["cl"].result_list
    assert list(rows) == [linked]


@pytest.fixture
def spam_comment(article):
    return Comment.objects.create(
        article=article,
        name="Cy Citing",
        email="cy@example.org",
        body="x",
        status=Status.SPAM,
        spam_reasons="Matches the blocklist: casino.",
    )


def test_a_spam_comment_in_the_queue_has_a_not_spam_button_that_posts_pending(moderator_client, spam_comment):
    page = moderator_client.get(CHANGELIST, {"status__exact": "spam"}).content.decode()
    assert f'formaction="{decide_url(spam_comment)}" formmethod="post" name="to" value="pending"' in page
    assert ">Not spam</button>" in page


def test_a_pending_comment_has_no_not_spam_button(moderator_client, pending_comment):
    assert ">Not spam</button>" not in moderator_client.get(CHANGELIST).content.decode()


def test_a_spam_comments_own_page_has_a_not_spam_button(moderator_client, spam_comment):
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[spam_comment.pk])).content.decode()
    assert (
        'form="comment_form" class="button queue-entry__decide queue-entry__decide--pending" name="_decide" value="pending">Not spam</button>'
        in page
    )


def test_not_spam_moves_the_comment_to_pending_recorded_as_a_decision(moderator_client, moderator, spam_comment):
    moderator_client.post(decide_url(spam_comment), {"to": Status.PENDING})
    spam_comment.refresh_from_db()
    decision = spam_comment.decisions.get()
    assert spam_comment.status == Status.PENDING
    assert (decision.from_status, decision.to_status, decision.by) == (Status.SPAM, Status.PENDING, moderator)


@pytest.fixture
def one_of_each(article):
    statuses = (Status.PENDING, Status.PENDING, Status.SPAM, Status.APPROVED)
    for n, status in enumerate(statuses):
        Comment.objects.create(article=article, name=f"R{n}", email=f"r{n}@example.org", body="x", status=status)
    counts.recount(article)


def test_the_queue_counts_every_status_at_its_top_each_a_link_to_its_list(moderator_client, one_of_each):
    page = moderator_client.get(CHANGELIST).content.decode()
    for status, label, count in (("pending", "Pending", 2), ("spam", "Spam", 1), ("approved", "Approved", 1)):
        assert (
            f'<a href="?status__exact={status}">{label} <span data-status-count="{status}">{count}</span></a>' in page
        )
    assert '<a href="?status__exact=rejected">Rejected <span data-status-count="rejected">0</span></a>' in page


def test_the_queues_counts_cost_one_grouped_query(moderator_client, one_of_each):
    with CaptureQueriesContext(connection) as queries:
        moderator_client.get(CHANGELIST)
    grouped = [each["sql"] for each in queries.captured_queries if "GROUP BY" in each["sql"]]
    assert len(grouped) == 1


def test_the_queues_script_gets_every_statuss_count_after_a_decision(moderator_client, three_pending):
    data = moderator_client.post(decide_url(three_pending[0]), {"to": Status.SPAM}, **JSON).json()
    assert data["status_counts"] == {"pending": 2, "approved": 0, "rejected": 0, "spam": 1}


def test_the_keyboard_shortcuts_are_explained_and_can_be_turned_off(moderator_client, pending_comment):
    page = moderator_client.get(CHANGELIST).content.decode()
    assert "data-queue-keys-toggle" in page and 'id="queue-keys-hint"' in page
    assert 'aria-keyshortcuts="a"' in page
