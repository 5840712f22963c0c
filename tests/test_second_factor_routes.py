"""With OTP_REQUIRED, a staff member who signed in with a password alone is
a stranger everywhere but the sign-in and second-factor pages: every route
the resolver knows, wherever its URL lives, answers them as it answers an
anonymous client, or sends them to enter a code."""

import re
from urllib.parse import urlencode

import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import URLResolver, get_resolver, path, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Revision
from comments.models import Comment, ModerationDecision, Status
from comments.moderation import approve
from outbox import opt_outs
from outbox.models import OutboundEmail
from ta1 import urls as root_urls

# Where a password-only staff member may be sent: to sign in, or to set up
# or enter their second factor.
SIGN_IN_VIEWS = ("admin:login", "second_factor:enrol", "second_factor:verify")
# The pages they reach as themselves, and nothing else.
OPEN_BEFORE_THE_CODE = (*SIGN_IN_VIEWS, "admin:logout")
CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
# A POST that would approve a comment and publish a reply, or publish a
# draft, had it been let through.
POSTED = {"action": "approve-and-reply", "body": "Published by the site team.", "decision": "approve"}


def route_patterns(patterns=None, prefix=""):
    """Every route the resolver knows, as its full pattern text and the
    names of its arguments."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from route_patterns(entry.url_patterns, text)
        else:
            yield text


def fill(pattern, values):
    """Concrete paths for one route pattern: path converters and regex groups
    take each value offered for their argument's name."""
    paths = [pattern.replace("^", "").replace("$", "")]
    for name, alternatives in re.findall(r"\(\?P<(\w+)>([^)]*)\)", pattern):
        choices = alternatives.split("|") if name == "app_label" else values.get(name, ["anything"])
        paths = [p.replace(f"(?P<{name}>{alternatives})", str(choice)) for p in paths for choice in choices]
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", pattern):
        spec = f"<{converter}:{name}>" if converter else f"<{name}>"
        paths = [p.replace(spec, str(choice)) for p in paths for choice in values.get(name, ["1"])]
    return ["/" + p for p in paths]


def admin_object_ids():
    """The primary key of a real object of each model the admin manages, by
    its URL prefix."""
    ids = {}
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"The walk needs a {model.__name__} to fill its admin's URLs."
        ids[f"admin/{model._meta.app_label}/{model._meta.model_name}/"] = first.pk
    return ids


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(username="root", email="root@example.org", password="pw")


@pytest.fixture
def password_only(superuser, settings):
    """A superuser who signed in with a password and entered no code."""
    settings.OTP_REQUIRED = True
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def world(section, publish_section_text, pending_comment, approved_comment, moderator, superuser, post_comment):
    """A real object behind every argument a route takes: a published
    article with revisions, comments in the queue and decided, an email in
    the outbox, a reader's receipt, a sign-in record."""
    article = section.article
    publish_section_text(section, "A published change.")
    waiting = Comment.objects.create(article=article, name="Quinn", email="quinn@example.org", body="In the queue.")
    approve(Comment.objects.create(article=article, name="Rae", email="rae@example.org", body="Shown."), by=moderator)
    LogEntry.objects.log_actions(
        user_id=superuser.pk, queryset=[article], action_flag=1, change_message="Added", single_object=True
    )
    received = post_comment(name="Sam Sender", email="sam@example.org")["Location"]
    # An accepted and a refused sign-in, for the sign-in records' admin pages.
    Client().post(reverse("admin:login"), {"username": "root", "password": "pw"})
    Client().post(reverse("admin:login"), {"username": "root", "password": "wrong"})
    AccessFailureLog.objects.create(
        username="root", ip_address="127.0.0.1", user_agent="test", http_accept="*/*", path_info="/admin/login/"
    )
    assert OutboundEmail.objects.exists() and ModerationDecision.objects.exists()
    return {
        "received": received.split("#")[0],
        "values": {
            "slug": [article.slug],
            "pk": [waiting.pk, approved_comment.pk],
            "receipt": [received.split("/received/")[1].split("/")[0]],
            "token": [opt_outs.unsubscribe_url("quinn@example.org").rstrip("/").rsplit("/", 1)[1]],
            "uidb64": [urlsafe_base64_encode(force_bytes(superuser.pk))],
            "content_type_id": [ContentType.objects.get_for_model(Comment).pk],
            "revision_id": list(Revision.objects.filter(article=article).values_list("pk", flat=True)),
            "id": [superuser.pk],
            "url": ["anything/"],
        },
        "password_token": default_token_generator.make_token(superuser),
        "waiting": waiting,
        "article": article,
    }


def walk_paths(world):
    """Every route, filled with real objects; an admin model's object_id with
    an object of that model."""
    object_ids = admin_object_ids()
    paths = []
    for pattern in route_patterns():
        values = dict(world["values"])
        owner = next((prefix for prefix in object_ids if pattern.startswith(prefix)), None)
        values["object_id"] = [object_ids[owner]] if owner else [world["article"].pk]
        if "uidb64" in pattern:
            values["token"] = [world["password_token"]]
        paths += fill(pattern, values)
    return paths


def _is_sent_to_sign_in(response):
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    target = response["Location"].split("?")[0]
    return target in {reverse(name) for name in SIGN_IN_VIEWS}


def _answer(response):
    body = b"" if response.streaming else CSRF_VALUE.sub(b"", response.content)
    return response.status_code, response.get("Location", ""), body


def leaks(staff, anonymous):
    """True when staff got something an anonymous client does not get."""
    return not _is_sent_to_sign_in(staff) and _answer(staff) != _answer(anonymous)


def test_the_walk_covers_routes_outside_the_admin(world):
    paths = walk_paths(world)
    assert f"/comments/{world['waiting'].pk}/reply-as-site/" in paths
    assert f"/comments/{world['waiting'].pk}/in-place/" in paths
    assert f"/admin/articles/article/{world['article'].pk}/preview/" in paths


def test_no_route_shows_a_password_only_staff_member_more_than_a_stranger(world, password_only, superuser):
    leaking = []
    for target in walk_paths(world):
        if resolve(target).view_name in OPEN_BEFORE_THE_CODE:
            continue
        anonymous = Client().get(target)
        password_only.force_login(superuser)
        staff = password_only.get(target)
        if leaks(staff, anonymous):
            leaking.append(f"{target} answered {staff.status_code}")
    assert leaking == []


def test_no_post_lets_a_password_only_staff_member_change_anything(world, password_only, superuser):
    before = (
        list(Comment.objects.order_by("pk").values_list("pk", "status")),
        ModerationDecision.objects.count(),
        Revision.objects.count(),
        LogEntry.objects.count(),
    )
    for target in walk_paths(world):
        password_only.force_login(superuser)
        password_only.post(target, POSTED)
    after = (
        list(Comment.objects.exclude(name="Sam Sender").order_by("pk").values_list("pk", "status")),
        ModerationDecision.objects.count(),
        Revision.objects.count(),
        LogEntry.objects.count(),
    )
    before_without_receipts = [row for row in before[0] if row in after[0]]
    assert after == (before_without_receipts, *before[1:])
    assert Comment.objects.get(pk=world["waiting"].pk).status == Status.PENDING


def test_approve_and_reply_outside_the_admin_asks_for_a_code_first(world, password_only):
    target = reverse("comments:site_reply", args=[world["waiting"].pk])
    response = password_only.post(target, POSTED)
    assert _is_sent_to_sign_in(response)
    assert Comment.objects.get(pk=world["waiting"].pk).status == Status.PENDING


def test_after_the_code_the_staff_member_reaches_the_page_they_asked_for(world, password_only, superuser):
    target = reverse("comments:site_reply", args=[world["waiting"].pk])
    chain = password_only.get(target, follow=True).redirect_chain
    assert chain[-1][0] == f"{reverse('second_factor:enrol')}?{urlencode({'next': target})}"
    device = TOTPDevice.objects.create(user=superuser, name="Authenticator app", confirmed=True)
    password_only.force_login(superuser)
    session = password_only.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert password_only.get(target).status_code == 200


def staff_only(request):
    if not request.user.is_staff:
        raise Http404("No such page.")
    return HttpResponse("Secret figures for staff.")


urlpatterns = [*root_urls.urlpatterns, path("reports/staff-only/", staff_only)]


def test_a_staff_view_added_anywhere_later_is_guarded_without_being_listed(world, password_only, settings):
    settings.ROOT_URLCONF = __name__
    response = password_only.get("/reports/staff-only/")
    assert response.status_code == 404
    assert b"Secret" not in response.content


def test_without_the_requirement_a_password_opens_staff_routes(world, password_only, settings):
    settings.OTP_REQUIRED = False
    response = password_only.get(reverse("comments:site_reply", args=[world["waiting"].pk]))
    assert response.status_code == 200


def test_a_password_only_staff_member_can_still_sign_out(world, password_only):
    password_only.post(reverse("admin:logout"))
    assert "_auth_user_id" not in password_only.session
