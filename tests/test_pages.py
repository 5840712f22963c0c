"""The public pages: structure, metadata, search-engine files, error pages."""

import gzip
import json
import re

import brotli
import html5lib
import pytest
from django.core.management import call_command
from django.test import Client


@pytest.fixture
def article_html(client, loaded_article):
    return client.get(loaded_article.get_absolute_url()).content.decode()


def test_home_leads_to_the_article(client, loaded_article):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == loaded_article.get_absolute_url()


def html_errors(html):
    parser = html5lib.HTMLParser()
    parser.parse(html)
    return parser.errors


def test_article_page_is_valid_html(article_html):
    assert html_errors(article_html) == []


def test_dosing_chart_page_is_valid_html(client, dosing_chart):
    assert html_errors(client.get(dosing_chart.get_absolute_url()).content.decode()) == []


def test_page_has_exactly_one_h1(article_html):
    assert len(re.findall(r"<h1[ >]", article_html)) == 1


def test_every_section_is_an_h2_with_an_id_linked_from_the_table_of_contents(article_html, loaded_article):
    for section in loaded_article.sections.all():
        assert f'<h2 id="{section.anchor}">' in article_html
        assert f'<a href="#{section.anchor}">' in article_html


def test_page_shows_last_updated_and_last_reviewed_dates_in_time_elements(client, reviewed_article):
    article_html = client.get(reviewed_article.get_absolute_url()).content.decode()
    assert f'Last updated <time datetime="{reviewed_article.updated_at:%Y-%m-%d}">' in article_html
    assert f'Last reviewed <time datetime="{reviewed_article.last_reviewed:%Y-%m-%d}">' in article_html


def test_page_shows_a_reading_time(article_html):
    assert re.search(r"\d+ min read", article_html)


def test_page_has_title_description_canonical_and_open_graph(article_html, loaded_article, settings):
    assert f"<title>{loaded_article.title} ·" in article_html
    assert '<meta name="description" content="What thymosin alpha 1 is' in article_html
    assert f'<link rel="canonical" href="{settings.SITE_URL}{loaded_article.get_absolute_url()}">' in article_html
    assert f'<meta property="og:title" content="{loaded_article.title}">' in article_html
    assert '<html lang="en">' in article_html


def test_page_has_medical_web_page_structured_data_with_the_review_date(client, reviewed_article):
    article_html = client.get(reviewed_article.get_absolute_url()).content.decode()
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', article_html, re.S).group(1)
    data = json.loads(payload)
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == reviewed_article.last_reviewed.isoformat()


def test_structured_data_cannot_be_broken_out_of_by_a_title(client, article):
    article.title = "</script><script>alert(1)</script>"
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page


def test_page_requests_nothing_from_other_hosts(article_html, settings):
    assert not re.search(r'(?:src|href)="(?:https?:)?//', article_html.replace(f'href="{settings.SITE_URL}', ""))


def test_unpublished_article_is_not_found(client, article):
    article.is_published = False
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("fixtures", [("section", "approved_comment"), ("busy_article",), ("busy_article", "threads")])
def test_article_page_query_count_is_constant(client, article, request, fixtures, django_assert_num_queries):
    """One query for the article (which holds its counts of comments and
    threads), one for all its sections, one for the page of threads and one
    for their replies, for one section and comment as for thirty sections and
    sixty threads with replies: the templates must never query per section,
    comment or reply."""
    for fixture in fixtures:
        request.getfixturevalue(fixture)
    with django_assert_num_queries(4):
        client.get(article.get_absolute_url())


def test_sitemap_lists_published_articles_with_lastmod(client, loaded_article, dosing_chart):
    body = client.get("/sitemap.xml").content.decode()
    assert f"<loc>http://testserver{loaded_article.get_absolute_url()}</loc>" in body
    assert f"<loc>http://testserver{dosing_chart.get_absolute_url()}</loc>" in body
    assert f"<lastmod>{loaded_article.updated_at:%Y-%m-%d}" in body


def test_robots_txt_answers_a_head_request(client):
    assert client.head("/robots.txt").status_code == 200


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_unknown_page_gets_the_sites_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_server_error_gets_the_sites_500_page(db, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr("pages.views.redirect", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_static_files_get_hashed_compressed_names(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / f"{hashed}.gz").exists()
    assert (tmp_path / f"{hashed}.br").exists()


def test_hashed_static_files_are_served_compressed_with_a_long_cache_life(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]["css/site.css"]
    # A new client builds a new handler, whose whitenoise scans STATIC_ROOT afresh.
    response = Client().get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 3600


@pytest.fixture
def compressed_stylesheet(tmp_path, settings):
    """A static file with its gzip and Brotli copies, as collectstatic leaves them; its URL."""
    settings.STATIC_ROOT = tmp_path
    css = b"body { margin: 0; }\n" * 200
    (tmp_path / "site.css").write_bytes(css)
    (tmp_path / "site.css.gz").write_bytes(gzip.compress(css))
    (tmp_path / "site.css.br").write_bytes(brotli.compress(css))
    return f"{settings.STATIC_URL}site.css"


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("gzip, br;q=0", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("br, gzip", "br"),
        ("*;q=0", None),
        ("identity;q=0", None),
    ],
)
def test_static_files_are_sent_in_the_coding_the_client_weighs_highest(compressed_stylesheet, accept, encoding):
    # A new client builds a new handler, whose whitenoise scans STATIC_ROOT afresh.
    response = Client().get(compressed_stylesheet, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.get("Content-Encoding") == encoding
    assert response["Vary"] == "Accept-Encoding"


def test_the_contents_follow_the_lead_and_end_with_the_comments_and_the_comment_form(article_html, loaded_article):
    first, second = loaded_article.sections.all()[:2]
    contents = article_html.index('<nav class="toc"')
    assert article_html.index(f'id="{first.anchor}"') < contents < article_html.index(f'id="{second.anchor}"')
    assert re.search(
        r'<li><a href="#comments">Comments</a></li>\s*<li><a href="#leave-a-comment">Leave a comment</a></li>\s*</ol>\s*</nav>',
        article_html,
    )


def test_sections_are_not_labelled_regions(article_html):
    assert article_html.count('<section class="article__section">') == 12
    assert not re.search(r'<section class="article__section"[^>]*aria-', article_html)


def test_the_page_carries_its_site_name_and_address_for_print(article_html, loaded_article, settings):
    url = settings.SITE_URL.rstrip("/") + loaded_article.get_absolute_url()
    assert f'<p class="print-masthead">{settings.SITE_NAME} · {url}</p>' in article_html
