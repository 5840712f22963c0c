"""Public form posts are refused when a browser says they come from another
origin: the cases of Go 1.25's net/http csrf_test.go, against the decorator
and against the comment form itself."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from web.cross_origin import cross_origin_protection


@cross_origin_protection
def ok(request):
    return HttpResponse("ok")


@pytest.fixture(autouse=True)
def _example_com(settings):
    settings.ALLOWED_HOSTS = ["example.com", "testserver"]


def request_to_example_com(rf, method, sec_fetch_site="", origin=""):
    headers = {}
    if sec_fetch_site:
        headers["sec-fetch-site"] = sec_fetch_site
    if origin:
        headers["origin"] = origin
    # https://example.com/, as Go's table requests it; the scheme is https as
    # if a trusted proxy had said so (SECURE_PROXY_SSL_HEADER).
    return rf.generic(method, "/", secure=True, headers={"host": "example.com", **headers})


SEC_FETCH_SITE_CASES = [
    ("same-origin allowed", "POST", "same-origin", "", 200),
    ("none allowed", "POST", "none", "", 200),
    ("cross-site blocked", "POST", "cross-site", "", 403),
    ("same-site blocked", "POST", "same-site", "", 403),
    ("no header with no origin", "POST", "", "", 200),
    ("no header with matching origin", "POST", "", "https://example.com", 200),
    ("no header with mismatched origin", "POST", "", "https://attacker.example", 403),
    ("no header with null origin", "POST", "", "null", 403),
    ("GET allowed", "GET", "cross-site", "", 200),
    ("HEAD allowed", "HEAD", "cross-site", "", 200),
    ("OPTIONS allowed", "OPTIONS", "cross-site", "", 200),
    ("PUT blocked", "PUT", "cross-site", "", 403),
]


@pytest.mark.parametrize(
    ("name", "method", "sec_fetch_site", "origin", "status"),
    SEC_FETCH_SITE_CASES,
    ids=[c[0] for c in SEC_FETCH_SITE_CASES],
)
def test_sec_fetch_site_then_origin_decide(rf, db, name, method, sec_fetch_site, origin, status):
    assert ok(request_to_example_com(rf, method, sec_fetch_site, origin)).status_code == status


TRUSTED_ORIGIN_CASES = [
    ("trusted origin without sec-fetch-site", "https://trusted.example", "", 200),
    ("trusted origin with cross-site", "https://trusted.example", "cross-site", 200),
    ("untrusted origin without sec-fetch-site", "https://attacker.example", "", 403),
    ("untrusted origin with cross-site", "https://attacker.example", "cross-site", 403),
]


@pytest.mark.parametrize(
    ("name", "origin", "sec_fetch_site", "status"), TRUSTED_ORIGIN_CASES, ids=[c[0] for c in TRUSTED_ORIGIN_CASES]
)
def test_trusted_origins_are_let_through(rf, db, settings, name, origin, sec_fetch_site, status):
    settings.CSRF_TRUSTED_ORIGINS = ["https://trusted.example"]
    assert ok(request_to_example_com(rf, "POST", sec_fetch_site, origin)).status_code == status


def test_the_scheme_is_part_of_the_origin(rf, db):
    request = rf.post("/", headers={"host": "example.com", "origin": "https://example.com"})
    assert ok(request).status_code == 403


def test_the_scheme_comes_from_the_trusted_proxy_header(rf, db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = rf.post(
        "/", headers={"host": "example.com", "origin": "https://example.com", "x-forwarded-proto": "https"}
    )
    assert ok(request).status_code == 200


def test_a_default_port_is_the_same_origin(rf, db):
    request = rf.post("/", headers={"host": "example.com", "origin": "http://example.com:80"})
    assert ok(request).status_code == 200


def test_the_decorated_view_needs_no_csrf_token(db):
    assert ok.csrf_exempt is True


@pytest.fixture
def comment_url(article):
    return reverse("comments:post", kwargs={"slug": article.slug})


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "http://attacker.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site", "origin": "http://testserver"},
    ],
)
def test_a_cross_origin_comment_is_refused_and_nothing_stored(client, comment_url, comment_data, headers):
    response = client.post(comment_url, comment_data, headers=headers)
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "same-origin", "origin": "http://testserver"},
        {"sec-fetch-site": "none"},
        {"origin": "http://testserver"},
        {},
    ],
)
def test_a_same_origin_comment_is_accepted(client, comment_url, comment_data, headers):
    assert client.post(comment_url, comment_data, headers=headers).status_code == 302
    assert Comment.objects.count() == 1


def test_the_admin_keeps_its_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:articles_article_add"), {}, headers={"sec-fetch-site": "same-origin"})
    assert response.status_code == 403
