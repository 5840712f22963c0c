"""A moderator's own choice of emails: held spam, off until they ask for it,
set on an admin page that only moderators open, past the second factor."""

from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from comments.models import ModeratorNotices

PAGE = reverse("admin:comments_comment_email_notices")


def test_a_moderator_is_not_emailed_about_held_spam_until_they_ask(moderator_client):
    response = moderator_client.get(PAGE)
    assert response.status_code == 200
    assert not response.context["form"]["held_spam"].value()
    assert not ModeratorNotices.objects.exists()


def test_a_moderator_turns_on_emails_about_held_spam(moderator_client, moderator):
    response = moderator_client.post(PAGE, {"held_spam": "on"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert ModeratorNotices.objects.get(user=moderator).held_spam


def test_a_moderator_turns_them_off_again(moderator_client, moderator):
    ModeratorNotices.objects.create(user=moderator, held_spam=True)
    moderator_client.post(PAGE, {})
    assert not ModeratorNotices.objects.get(user=moderator).held_spam


def test_the_saved_message_shows_once(moderator_client):
    page = moderator_client.post(PAGE, {"held_spam": "on"}, follow=True)
    assert [str(m) for m in page.context["messages"]] == ["Saved: you will be emailed about comments held as spam."]
    assert list(get_messages(moderator_client.get(PAGE).wsgi_request)) == []


def test_a_staff_member_who_may_not_moderate_cannot_open_the_page(client, editor):
    client.force_login(editor)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"held_spam": "on"}).status_code == 403
    assert not ModeratorNotices.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_moderator_without_their_second_factor_is_sent_to_enter_it(client, moderator, settings):
    settings.OTP_REQUIRED = True
    TOTPDevice.objects.create(user=moderator, name="Authenticator app", confirmed=True)
    client.force_login(moderator)
    chain = client.get(PAGE, follow=True).redirect_chain
    assert chain[-1][0] == f"{reverse('second_factor:verify')}?{urlencode({'next': PAGE})}"
    client.post(PAGE, {"held_spam": "on"})
    assert not ModeratorNotices.objects.exists()


@pytest.mark.parametrize("where", ["/admin/", "/admin/comments/comment/"])
def test_moderators_find_the_page_from_the_admin(moderator_client, where):
    assert f'href="{PAGE}"' in moderator_client.get(where).content.decode()


def test_editors_are_not_offered_the_page(editor_client):
    assert f'href="{PAGE}"' not in editor_client.get("/admin/").content.decode()


def test_the_page_says_where_the_emails_go(moderator_client, moderator):
    moderator.email = "mod.one@example.org"
    moderator.save()
    assert "Yours is mod.one@example.org." in moderator_client.get(PAGE).content.decode()


def test_the_page_warns_a_moderator_without_an_address(moderator_client):
    assert "Your account has no email address" in moderator_client.get(PAGE).content.decode()


def test_the_page_says_when_the_site_sends_moderators_no_emails(moderator_client, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = False
    assert "The site sends moderators no emails at the moment" in moderator_client.get(PAGE).content.decode()
