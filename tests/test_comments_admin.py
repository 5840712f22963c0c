"""Moderators work through the queue in the admin; Editors cannot; every decision is recorded."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from comments import counts
from comments.models import Comment, ModerationDecision, Status

CHANGELIST = reverse("admin:comments_comment_changelist")


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def change_form_data(client, comment, **changes):
    """What the change form would send: its two fields."""
    return {"status": comment.status, "body": comment.body, **changes}


def run_action(client, action, comments):
    # From the list of every status, where all of them can be selected.
    return client.post(
        f"{CHANGELIST}?status__exact=all", {"action": action, "_selected_action": [c.pk for c in comments]}
    )


@pytest.fixture
def queue(article):
    """Comments in every status, oldest first."""
    comments = [
        Comment.objects.create(
            article=article,
            name=f"Reader {status}",
            email=f"{status}@example.org",
            body=f"Body {status}.",
            status=status,
        )
        for status in (Status.APPROVED, Status.PENDING, Status.SPAM, Status.REJECTED, Status.PENDING)
    ]
    counts.recount(article)
    return comments


def test_moderator_sees_the_queue_with_emails_and_excerpts(moderator_client, pending_comment):
    page = moderator_client.get(CHANGELIST).content.decode()
    assert "pat@example.org" in page
    assert "Waiting for review." in page


def test_queue_lists_only_pending_comments_oldest_first(moderator_client, queue):
    rows = list(moderator_client.get(CHANGELIST).context["cl"].result_list)
    assert rows == [queue[1], queue[4]]


def test_queue_lists_every_status_on_request(moderator_client, queue):
    rows = list(moderator_client.get(CHANGELIST, {"status__exact": "all"}).context["cl"].result_list)
    assert rows == queue


def test_an_unknown_status_in_the_address_is_a_bad_lookup_not_an_error(moderator_client, queue):
    response = moderator_client.get(CHANGELIST, {"status__exact": "nonsense"})
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_queue_can_be_filtered_by_status_and_article(moderator_client, queue, article):
    response = moderator_client.get(CHANGELIST, {"status__exact": "spam", "article__id__exact": article.pk})
    assert [c.status for c in response.context["cl"].result_list] == [Status.SPAM]


@pytest.mark.parametrize("term", ["Reader spam", "spam@example.org", "Body spam"])
def test_queue_can_be_searched_by_name_email_and_body(moderator_client, queue, term):
    response = moderator_client.get(CHANGELIST, {"q": term})
    assert [c.status for c in response.context["cl"].result_list] == [Status.SPAM]


def test_the_queue_shows_each_comments_whole_text(moderator_client, article):
    Comment.objects.create(article=article, name="R", email="r@example.org", body="word " * 300)
    page = moderator_client.get(CHANGELIST).content.decode()
    assert ("word " * 299) + "word</p>" in page


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve", Status.APPROVED),
        ("reject", Status.REJECTED),
        ("mark_spam", Status.SPAM),
        ("return_to_pending", Status.PENDING),
    ],
)
def test_bulk_action_changes_status_and_records_who_and_when(moderator_client, moderator, queue, action, status):
    targets = [c for c in queue if c.status != status][:2]
    run_action(moderator_client, action, targets)
    for comment in targets:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == moderator and comment.moderated_at is not None
        decision = comment.decisions.get()
        assert (decision.to_status, decision.by) == (status, moderator)


def test_bulk_action_leaves_no_record_for_comments_already_in_that_status(moderator_client, queue):
    run_action(moderator_client, "approve", queue)
    assert ModerationDecision.objects.count() == 4


def test_status_change_on_the_change_form_is_recorded_like_a_bulk_action(moderator_client, moderator, pending_comment):
    response = moderator_client.post(
        change_url(pending_comment), change_form_data(moderator_client, pending_comment, status=Status.APPROVED)
    )
    assert response.status_code == 302
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.APPROVED
    assert pending_comment.moderated_by == moderator
    decision = pending_comment.decisions.get()
    assert (decision.from_status, decision.to_status, decision.by) == (Status.PENDING, Status.APPROVED, moderator)


def test_saving_the_change_form_without_a_status_change_records_nothing(moderator_client, pending_comment):
    response = moderator_client.post(change_url(pending_comment), change_form_data(moderator_client, pending_comment))
    assert response.status_code == 302
    assert not ModerationDecision.objects.exists()


def test_change_form_cannot_change_who_the_reader_said_they_are(moderator_client, pending_comment):
    response = moderator_client.post(
        change_url(pending_comment),
        change_form_data(moderator_client, pending_comment, name="Someone Else", email="x@y.z"),
    )
    assert response.status_code == 302
    pending_comment.refresh_from_db()
    assert (pending_comment.name, pending_comment.email) == ("Pat Pending", "pat@example.org")


def test_moderation_log_lists_every_decision(moderator_client, queue):
    run_action(moderator_client, "approve", queue[1:3])
    run_action(moderator_client, "mark_spam", queue[1:2])
    response = moderator_client.get(reverse("admin:comments_moderationdecision_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3


def test_moderation_log_cannot_be_edited(moderator_client, pending_comment, moderator, admin_client):
    decision = ModerationDecision.objects.create(
        comment=pending_comment, from_status="pending", to_status="approved", by=moderator
    )
    url = reverse("admin:comments_moderationdecision_change", args=[decision.pk])
    admin_client.post(url, {"to_status": "spam"})
    decision.refresh_from_db()
    assert decision.to_status == "approved"


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        CHANGELIST,
        reverse("admin:comments_moderationdecision_changelist"),
        reverse("admin:password_change"),
    ],
)
def test_every_admin_page_shows_moderators_how_many_comments_await_moderation(moderator_client, queue, url):
    page = moderator_client.get(url).content.decode()
    assert f'<a href="{CHANGELIST}" data-pending-badge data-count="2">2 comments awaiting moderation</a>' in page


def test_the_pending_count_includes_a_comment_waiting_for_its_links(moderator_client, post_comment):
    post_comment(body="See https://pubmed.ncbi.nlm.nih.gov/1/ and https://clinicaltrials.gov/study/NCT2")
    page = moderator_client.get(reverse("admin:index")).content.decode()
    assert "1 comment awaiting moderation" in page


def test_admin_index_shows_an_empty_queue_too(moderator_client, db):
    assert "No comments awaiting moderation" in moderator_client.get(reverse("admin:index")).content.decode()


def test_editor_does_not_see_the_pending_count(editor_client, queue):
    assert "awaiting moderation" not in editor_client.get(reverse("admin:index")).content.decode()


def test_editor_cannot_see_comments_or_their_emails(editor_client, pending_comment):
    assert editor_client.get(CHANGELIST).status_code == 403
    assert editor_client.get(change_url(pending_comment)).status_code == 403


def test_editor_cannot_moderate(editor_client, pending_comment):
    run_action(editor_client, "approve", [pending_comment])
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.PENDING


def test_editor_cannot_open_the_moderation_log(editor_client, db):
    assert editor_client.get(reverse("admin:comments_moderationdecision_changelist")).status_code == 403


@pytest.fixture
def viewer_client(client, staff_user):
    """Staff allowed to look at comments but not to moderate them."""
    staff_user.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(staff_user)
    return client


def test_staff_without_the_moderation_permission_see_no_emails(viewer_client, pending_comment):
    assert "pat@example.org" not in viewer_client.get(CHANGELIST).content.decode()


def test_staff_without_the_moderation_permission_cannot_filter_by_email(viewer_client, pending_comment):
    response = viewer_client.get(CHANGELIST, {"email__startswith": "pat"})
    assert response.status_code == 400
    assert "pat@example.org" not in viewer_client.get(change_url(pending_comment)).content.decode()


def test_staff_without_the_moderation_permission_cannot_search_by_email(viewer_client, pending_comment):
    response = viewer_client.get(CHANGELIST, {"q": "pat@example.org"})
    assert list(response.context["cl"].result_list) == []


def test_staff_without_the_moderation_permission_get_no_moderation_actions(viewer_client, pending_comment):
    assert 'value="approve"' not in viewer_client.get(CHANGELIST).content.decode()
    run_action(viewer_client, "approve", [pending_comment])
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.PENDING


def test_moderators_cannot_add_comments_in_the_admin(moderator_client, db):
    assert moderator_client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_export_action_downloads_all_comments_of_the_selected_addresses(moderator_client, article):
    first = Comment.objects.create(article=article, name="A", email="ann@example.org", body="One.")
    Comment.objects.create(article=article, name="A", email="ann@example.org", body="Two.")
    Comment.objects.create(article=article, name="B", email="bo@example.org", body="Other.")
    response = run_action(moderator_client, "export_by_email", [first])
    assert response["Content-Disposition"] == 'attachment; filename="comments-export.json"'
    exported = json.loads(response.content)
    assert [item["body"] for item in exported["ann@example.org"]] == ["One.", "Two."]
    assert list(exported) == ["ann@example.org"]


def test_erase_action_deletes_all_comments_of_the_selected_addresses(moderator_client, article):
    first = Comment.objects.create(article=article, name="A", email="ann@example.org", body="One.")
    Comment.objects.create(article=article, name="A", email="ANN@example.org", body="Two.")
    Comment.objects.create(article=article, name="B", email="bo@example.org", body="Other.")
    run_action(moderator_client, "erase_by_email", [first])
    assert list(Comment.objects.values_list("body", flat=True)) == ["Other."]


def test_moderator_is_offered_the_four_moderation_actions(moderator_client, pending_comment):
    page = moderator_client.get(CHANGELIST).content.decode()
    for label in ("Approve", "Reject", "Mark selected comments as spam", "Put selected comments back to pending"):
        assert label in page
    assert 'value="approve"' in page


def test_every_moderation_decision_opens_from_the_log(moderator_client, queue):
    run_action(moderator_client, "approve", queue)
    for decision in ModerationDecision.objects.all():
        response = moderator_client.get(reverse("admin:comments_moderationdecision_change", args=[decision.pk]))
        assert response.status_code == 200


def test_queue_search_finds_an_address_in_any_unicode_case(moderator_client, article):
    comment = Comment.objects.create(article=article, name="G", email="gdpr@über.example", body="b")
    response = moderator_client.get(CHANGELIST, {"q": "GDPR@ÜBER"})
    assert list(response.context["cl"].result_list) == [comment]


def test_staff_who_may_not_see_emails_cannot_find_comments_by_address(viewer_client, article):
    Comment.objects.create(article=article, name="G", email="gdpr@über.example", body="b")
    assert list(viewer_client.get(CHANGELIST, {"q": "gdpr@über"}).context["cl"].result_list) == []
