"""Migrations that correct already-loaded content change only what is still exactly as loaded."""

import importlib

import pytest
from migrating import migrate_to, migrate_to_latest

from articles.models import Article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

URGENT = (
    "Anyone experiencing trouble breathing, chest pain, severe rash, or rapidly worsening swelling after an "
    "injection should stop further doses and seek urgent medical attention."
)


def test_the_urgent_sentence_becomes_a_callout_only_where_it_is_still_as_loaded():
    apps = migrate_to(("articles", "0007_section_markdown_help"))
    OldArticle, OldSection = apps.get_model("articles", "Article"), apps.get_model("articles", "Section")
    article = OldArticle.objects.create(title="T", slug="t", summary="s", disclaimer="d")
    as_loaded = f"Serious reactions are rare.\n\n{URGENT}\n\nPeople with complex histories."
    edited = f"Serious reactions are rare.\n\n{URGENT} Call 999.\n\nPeople with complex histories."
    OldSection.objects.create(article=article, position=10, heading="As loaded", anchor="as-loaded", body=as_loaded)
    OldSection.objects.create(article=article, position=20, heading="Edited", anchor="edited", body=edited)

    migrate_to_latest()

    sections = Article.objects.get(slug="t").sections
    converted = sections.get(anchor="as-loaded")
    assert (
        converted.body == f"Serious reactions are rare.\n\n> [!WARNING]\n> {URGENT}\n\nPeople with complex histories."
    )
    assert f'role="note">\n<p class="callout__title">Warning</p>\n<p>{URGENT}</p>' in converted.body_html
    # Kept as a published revision of the article (the history it was written to became revisions).
    revisions = Article.objects.get(slug="t").revisions
    assert revisions.filter(
        note="Urgent safety sentence shown as a warning callout", published_at__isnull=False
    ).exists()
    assert sections.get(anchor="edited").body == edited


def test_the_dosing_chart_is_corrected_only_in_sections_still_as_loaded():
    chart = importlib.import_module("articles.migrations.0009_dosing_chart_restates_the_article")
    apps = migrate_to(("articles", "0008_urgent_sentence_as_warning_callout"))
    OldArticle, OldSection = apps.get_model("articles", "Article"), apps.get_model("articles", "Section")
    article = OldArticle.objects.create(title="Chart", slug="chart", summary="s", disclaimer="d")
    (table_heading, table_body), (sources_heading, sources_body) = chart.LOADED.items()
    edited = table_body.replace("Often tied to chemotherapy cycles", "Tied to chemotherapy cycles")
    OldSection.objects.create(article=article, position=10, heading=table_heading, anchor="table", body=edited)
    OldSection.objects.create(
        article=article, position=20, heading=sources_heading, anchor="sources", body=sources_body
    )

    migrate_to_latest()

    sections = Article.objects.get(slug="chart").sections
    assert sections.get(anchor="table").body == edited
    corrected = sections.get(anchor="sources")
    assert corrected.body == chart.CORRECTED[sources_heading]
    assert "critical illness" in corrected.body_html
    # Kept as a published revision of the article (the history it was written to became revisions).
    revisions = Article.objects.get(slug="chart").revisions
    assert revisions.filter(note="Dosing chart restates only the article", published_at__isnull=False).exists()


def test_the_corrected_chart_is_what_load_article_now_loads(dosing_chart):
    chart = importlib.import_module("articles.migrations.0009_dosing_chart_restates_the_article")
    assert {s.heading: s.body for s in dosing_chart.sections.all()} == chart.CORRECTED
