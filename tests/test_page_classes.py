"""Every class on a page a reader can reach is styled by a stylesheet that
page loads: markup carries no class nothing defines (another framework's
names, a typo, a rule since removed)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from comments.models import Comment

# Scripts find their elements by data-* attributes and every class they set
# is styled, so no class is a script's hook alone. These classes are on the
# pages today with no rule and no script behind them, left out of the check
# until the markup drops them: crispy-forms names each input after its widget,
# and parts of the article, its counter, its page links, a comment awaiting
# review and the thanks were never styled.
UNSTYLED_TODAY = frozenset(
    {
        *("textinput", "emailinput", "textarea", "checkboxinput"),
        *("article__header", "article__section", "char-count__over", "pagination__link"),
        *("comment--pending", "notice--success"),
    }
)

COMMENTS_AND_STRINGS = re.compile(r"/\*.*?\*/|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|url\([^)]*\)", re.DOTALL)
CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


class PageParts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.classes, self.stylesheets = set(), []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.classes.update((attributes.get("class") or "").split())
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.stylesheets.append(attributes["href"])


def classes_defined_by(stylesheet_url):
    """The class names `stylesheet_url`'s selectors name, read from the file
    the static files finders serve for it."""
    assert stylesheet_url.startswith(settings.STATIC_URL), stylesheet_url
    path = finders.find(stylesheet_url.removeprefix(settings.STATIC_URL))
    css = COMMENTS_AND_STRINGS.sub("", Path(path).read_text())
    # Declarations hold numbers such as 0.5em; only selectors name classes.
    selectors = re.sub(r"\{[^{}]*\}", "{}", css)
    return set(CLASS_SELECTOR.findall(selectors))


def unstyled_classes(response):
    page = PageParts()
    page.feed(response.content.decode())
    assert page.stylesheets, "the page loads no stylesheet"
    defined = set().union(*(classes_defined_by(url) for url in page.stylesheets))
    return page.classes - defined - UNSTYLED_TODAY


def receipt(client, post_comment):
    return client.get(post_comment()["Location"])


PAGES = {
    "the article": lambda client, article, comment, post_comment: client.get(article.get_absolute_url()),
    "the article's older page of comments": lambda client, article, comment, post_comment: client.get(
        article.get_absolute_url(), {"page": 1}
    ),
    "a comment's reply form": lambda client, article, comment, post_comment: client.get(
        reverse("comments:reply", args=[comment.pk])
    ),
    "the privacy notice": lambda client, article, comment, post_comment: client.get(reverse("comments:privacy")),
    "a page that does not exist": lambda client, article, comment, post_comment: client.get("/no-such-page/"),
    "a refused comment": lambda client, article, comment, post_comment: post_comment(name="", body="x" * 2003),
    "the commenter's receipt": lambda client, article, comment, post_comment: receipt(client, post_comment),
}


@pytest.mark.parametrize("reader_page", PAGES)
def test_every_class_on_a_readers_page_is_defined_by_a_stylesheet_it_loads(
    client, busy_article, threads, post_comment, reader_page
):
    comment = Comment.objects.filter(article=busy_article, parent=None).approved().first()
    response = PAGES[reader_page](client, busy_article, comment, post_comment)
    assert response.status_code in (200, 400, 404)
    assert unstyled_classes(response) == set()


def test_a_class_no_stylesheet_defines_is_found(client, article):
    """The check above can fail: the site's stylesheets define no Bootstrap."""
    response = client.get(article.get_absolute_url())
    response.content = response.content.replace(b'class="site-header"', b'class="site-header form-control"')
    assert unstyled_classes(response) == {"form-control"}
