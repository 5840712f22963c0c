"""Every page the site renders, for readers and for staff, is valid HTML by the W3C's Nu HTML Checker
(vnu.jar, run with Java): the markup we write has no error in it."""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import drafts
from articles.models import Article, DraftSection
from comments import counts
from comments.models import Comment, Status
from comments.moderation import approve
from comments.notifications import Kind
from outbox.emails import enqueue

JAVA_PACKAGE = "default-jre-headless"


def checker_command():
    """How to start the checker: Java (Debian's package) with the vnu.jar
    `make test` fetches and names in VNU_JAR (the Makefile says where)."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"The HTML checker needs Java, which is not on PATH: install Debian's {JAVA_PACKAGE} package.")
    jar = os.environ.get("VNU_JAR")
    if not jar:
        pytest.fail("VNU_JAR does not name the HTML checker's vnu.jar: run the tests with make test, which sets it.")
    if not Path(jar).is_file():
        pytest.fail(f"The HTML checker is not at {jar} (VNU_JAR): make test fetches it (scripts/fetch_vnu.py).")
    return [java, "-jar", jar, "--format", "json", "--stdout", "--exit-zero-always"]


def reader_pages(client, article, chart, comment):
    def post(**changes):
        data = {"name": "Ada Reader", "email": "ada@example.org", "body": "A thoughtful comment.", "website": ""}
        return client.post(reverse("comments:post", kwargs={"slug": article.slug}), {**data, **changes})

    return {
        "the article": lambda: client.get(article.get_absolute_url()),
        "the article's older page of comments": lambda: client.get(article.get_absolute_url(), {"page": 1}),
        "the dosing chart": lambda: client.get(chart.get_absolute_url()),
        "the privacy notice": lambda: client.get(reverse("comments:privacy")),
        "a page that does not exist": lambda: client.get("/no-such-page/"),
        "a refused comment": lambda: post(name="", body="x" * 2003),
        "the commenter's receipt": lambda: client.get(post()["Location"]),
        "a comment's reply page": lambda: client.get(reverse("comments:reply", args=[comment.pk])),
    }


def staff_pages(client, article, comment):
    def compare_first_and_last_revisions():
        revisions = article.revisions.order_by("pk")
        compare = reverse("admin:articles_article_compare", args=[article.pk])
        return client.get(compare, {"a": revisions.first().pk, "b": revisions.last().pk})

    return {
        "the admin's index": lambda: client.get(reverse("admin:index")),
        "the moderation queue": lambda: client.get(reverse("admin:comments_comment_changelist")),
        "a comment's page": lambda: client.get(reverse("admin:comments_comment_change", args=[comment.pk])),
        "the article's edit page": lambda: client.get(reverse("admin:articles_article_change", args=[article.pk])),
        "the article's preview": lambda: client.get(reverse("article_draft_preview", args=[article.pk])),
        "the article's revisions": lambda: client.get(reverse("admin:articles_article_revisions", args=[article.pk])),
        "two revisions compared": compare_first_and_last_revisions,
        "the review form": lambda: client.get(reverse("admin:articles_article_review", args=[article.pk])),
        "the outbox": lambda: client.get(reverse("admin:outbox_outboundemail_changelist")),
        "a moderator's email notices": lambda: client.get(reverse("admin:comments_comment_email_notices")),
    }


PAGES = [
    *reader_pages(*[None] * 4),
    *staff_pages(None, None, None),
]


def site_with_everything(admin):
    """The loaded article with two pages of comments, a thread, a comment awaiting review, a decision, a
    second published revision and an email in the outbox: every part of every page has something to show."""
    call_command("load_article", stdout=io.StringIO())
    article = Article.objects.get(slug="thymosin-alpha-1")
    Comment.objects.bulk_create(
        Comment(article=article, name=f"Reader {n}", email=f"r{n}@example.org", body="Hi.", status=Status.APPROVED)
        for n in range(60)
    )
    parent = article.comments.approved().first()
    Comment.objects.create(
        article=article, parent=parent, in_reply_to=parent, name="Ben", body="A reply.", status=Status.APPROVED
    )
    counts.recount(article)
    decided = Comment.objects.create(article=article, name="Pat", email="pat@example.org", body="Decided.")
    approve(decided, by=admin)
    pending = Comment.objects.create(article=article, name="Sam", email="sam@example.org", body="Waiting.")
    enqueue(kind=Kind.MODERATOR_NOTICE, about=pending, to="mod@example.org", subject="New comment", body="Waits.")
    drafts.draft_of(article)
    section = DraftSection.objects.filter(article=article).first()
    section.body = "Reworded."
    section.save()
    drafts.record(article, by=admin)
    drafts.publish(article, by=admin, note="Reworded one section.")
    return article, Article.objects.get(slug="thymosin-alpha-1-dosing-chart"), decided


def checked_pages(client, admin, folder):
    """Each page's errors by the checker, from one run over all of them."""
    article, chart, comment = site_with_everything(admin)
    staff = Client()
    staff.force_login(admin)
    pages = {**reader_pages(client, article, chart, comment), **staff_pages(staff, article, comment)}
    files = {}
    for number, (name, render) in enumerate(pages.items()):
        response = render()
        assert response.status_code in (200, 400, 404), (name, response.status_code)
        files[name] = folder / f"{number}.html"
        files[name].write_bytes(response.content)
    result = subprocess.run([*checker_command(), *map(str, files.values())], capture_output=True, check=True)
    by_path = {path.resolve(): name for name, path in files.items()}
    errors = {name: [] for name in files}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] != "info":
            page = by_path[Path(urlsplit(message["url"]).path).resolve()]
            errors[page].append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


# The JVM takes seconds to start, so the first test checks every page in one run and the others read its result.
CHECKED = {}


@pytest.fixture
def checker_errors(client, admin_user, tmp_path_factory):
    if not CHECKED:
        CHECKED.update(checked_pages(client, admin_user, tmp_path_factory.mktemp("pages")))
    return CHECKED


# Not "page": that is Playwright's fixture, and a parameter of that name
# would make pytest regroup the browser tests around this module's.
@pytest.mark.parametrize("screen", PAGES)
def test_the_html_checker_finds_no_error_on(screen, checker_errors):
    assert checker_errors[screen] == []
