"""Every error page is one template with its own words: the site's name from
settings, the same way back to the article, only class names the
stylesheets define (checked as for the readers' pages, test_page_classes.py)."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.middleware.csrf import _get_failure_view
from django.urls import get_resolver
from test_page_classes import unstyled_classes

from ta1.views import database_unavailable

KEPT = "My careful words."


def handler(status):
    return get_resolver().resolve_error_handler(status)


ERROR_PAGES = {
    "400": lambda request: handler(400)(request, exception=None),
    "403": lambda request: handler(403)(request, exception=PermissionDenied()),
    "403_csrf": lambda request: _get_failure_view()(request, reason="CSRF token missing."),
    "404": lambda request: handler(404)(request, exception=Http404()),
    "500": lambda request: handler(500)(request),
    "503": database_unavailable,
}


@pytest.fixture(params=ERROR_PAGES)
def error_response(request, rf, db):
    """The page as its handler answers a form that carried a comment."""
    return ERROR_PAGES[request.param](rf.post("/somewhere/", {"body": KEPT}))


@pytest.fixture
def error_page(error_response):
    return error_response.content.decode()


VOID_ELEMENTS = {"br", "hr", "img", "input", "link", "meta"}


class Page(HTMLParser):
    """The text of each of a page's elements by tag, and where its headings stand."""

    def __init__(self, html):
        super().__init__()
        self.open, self.texts, self.h1_ancestors = [], {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "h1":
            self.h1_ancestors.append(list(self.open))
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)
            self.texts.setdefault(tag, []).append("")

    def handle_endtag(self, tag):
        self.open.pop()

    def handle_data(self, data):
        for tag in set(self.open):
            self.texts[tag][-1] += data


def test_each_error_page_names_the_site_from_settings(settings, rf, db):
    settings.SITE_NAME = "Peptide Notes"
    for name, answer in ERROR_PAGES.items():
        page = Page(answer(rf.post("/somewhere/", {"body": KEPT})).content.decode())
        assert page.texts["title"][0].endswith(" · Peptide Notes"), name
        assert "Peptide Notes" in page.texts["header"][0], name


def test_each_error_page_is_titled_by_its_one_heading(error_page):
    page = Page(error_page)
    assert len(page.texts["h1"]) == 1
    assert page.texts["title"][0] == f"{page.texts['h1'][0]} · {settings.SITE_NAME}"


def test_each_error_page_keeps_its_heading_inside_the_main_landmark(error_page):
    assert ["main" in ancestors for ancestors in Page(error_page).h1_ancestors] == [True]


def test_each_error_page_states_its_language(error_page):
    assert '<html lang="en">' in error_page


def test_each_error_page_leads_back_to_the_article_without_naming_it(error_page):
    assert '<a href="/">Go to the article</a>' in error_page
    assert "Thymosin" not in error_page


def test_no_error_page_uses_a_class_the_stylesheets_do_not_define(error_response):
    assert unstyled_classes(error_response) == set()


@pytest.mark.parametrize("name", ["403_csrf", "503"])
def test_a_refused_or_unsaved_form_gives_the_comment_back_in_a_styled_field(name, rf, db):
    page = ERROR_PAGES[name](rf.post("/somewhere/", {"body": KEPT})).content.decode()
    assert f'<textarea id="kept-comment" class="field__input" rows="8" readonly>{KEPT}</textarea>' in page


def test_a_permission_refused_in_the_admin_gets_the_sites_styled_403_page(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/comments/comment/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>You may not open this page</h1>" in page
    assert 'class="site-header"' in page


def test_a_permission_refused_on_the_site_gets_the_sites_styled_403_page(client, staff_user, article):
    client.force_login(staff_user)
    response = client.get(f"/admin/articles/article/{article.pk}/preview/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>You may not open this page</h1>" in page
    assert 'class="site-header"' in page
