"""Every response carries the headers that keep injected content, framing and
snooping out, and no page (the admin included) needs an exception to them."""

import html5lib
import pytest
from django.urls import reverse

EXPECTED_POLICY = {
    "default-src": {"'none'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "manifest-src": {"'self'"},
    "form-action": {"'self'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
}


def parse_policy(header):
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def assert_security_headers(response):
    assert parse_policy(response["Content-Security-Policy"]) == EXPECTED_POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_article_page_has_the_security_headers(client, loaded_article):
    assert_security_headers(client.get(loaded_article.get_absolute_url()))


def test_not_found_page_has_the_security_headers(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_admin_login_page_has_the_security_headers(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_health_check_has_the_security_headers(client, db):
    assert_security_headers(client.get("/healthz"))


def inline_code(html):
    """Everything in a page that a policy without 'unsafe-inline' blocks:
    script elements without src, style elements, style and on* attributes."""
    found = []
    for element in html5lib.parse(html, namespaceHTMLElements=False).iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if (
            tag == "script"
            and not element.get("src")
            and element.get("type") not in ("application/ld+json", "application/json")
        ):
            found.append(f"<script> {(element.text or '')[:60]!r}")
        if tag == "style":
            found.append(f"<style> {(element.text or '')[:60]!r}")
        for attribute in element.attrib:
            if attribute == "style" or attribute.startswith("on"):
                found.append(f"<{tag} {attribute}={element.get(attribute)!r}>")
    return found


def test_the_inline_code_finder_finds_inline_code():
    """The admin checks below rely on this finder, so it must be able to fail."""
    page = '<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style><script src="/a.js"></script>'
    assert len(inline_code(page)) == 4


def test_article_page_has_no_inline_code(client, loaded_article):
    assert inline_code(client.get(loaded_article.get_absolute_url()).content.decode()) == []


@pytest.mark.parametrize(
    "url_name, needs_pk",
    [
        ("admin:index", False),
        ("admin:articles_article_changelist", False),
        ("admin:articles_article_change", True),
        ("admin:articles_article_add", False),
        ("article_draft_preview", True),
        ("admin:articles_article_revisions", True),
        ("admin:articles_article_publish", True),
        ("admin:articles_article_discard", True),
    ],
)
def test_admin_pages_work_under_the_policy(client, django_user_model, section, url_name, needs_pk):
    """Django 5.2's admin loads its scripts and styles from files, so the
    strict policy applies to it unchanged; a page that regressed to inline
    code would lose its behaviour in the browser."""
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    response = client.get(reverse(url_name, args=[section.article_id] if needs_pk else []))
    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


def test_admin_login_page_has_no_inline_code(client, db):
    assert inline_code(client.get(reverse("admin:login")).content.decode()) == []
