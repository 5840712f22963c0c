"""The owner's text becomes the article, wording unchanged."""

import html
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from articles import source
from web.links import absolute

SOURCE = Path(__file__).resolve().parent.parent / "articles" / "content" / "thymosin-alpha-1.txt"


def source_lines():
    """Every non-empty line of the article proper (the comment area's strings excluded)."""
    lines = []
    for raw in SOURCE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line == source.COMMENTS_HEADING:
            break
        if line:
            lines.append(line)
    return lines


def visible_text(response):
    """The page's text as a reader sees it: tags removed, entities decoded, spaces folded."""
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def test_loaded_article_has_the_twelve_top_level_headings_in_source_order(loaded_article):
    headings = [
        line
        for line in source_lines()
        if not line.startswith(source.BULLET) and source.is_heading(line) and line not in source.SUBHEADINGS
    ]
    assert len(headings) == 12
    assert list(loaded_article.sections.values_list("heading", flat=True)) == headings


def test_sub_headings_are_h3_inside_their_sections_in_source_order(loaded_article):
    rendered = re.findall(r"<h3>(.*?)</h3>", "".join(s.body_html for s in loaded_article.sections.all()))
    in_source = [line for line in source_lines() if line in source.SUBHEADINGS]
    assert len(in_source) == 8
    assert [html.unescape(h) for h in rendered] == in_source


@pytest.mark.parametrize("line", source_lines())
def test_every_line_of_the_source_appears_on_the_page(client, loaded_article, line):
    text = line.removeprefix(source.BULLET).strip().replace("\\.", ".")
    assert text in visible_text(client.get(loaded_article.get_absolute_url()))


def test_explaining_bullets_are_nested_under_the_condition_they_explain(loaded_article):
    section = loaded_article.sections.get(heading="Main Uses and Potential Benefits")
    assert re.search(
        r"<li>Severe infections and sepsis \(mixed results\)\s*<ul>\s*<li>Earlier trials", section.body_html
    )


def test_bullets_ending_with_a_colon_introduce_a_nested_list(loaded_article):
    section = loaded_article.sections.get(heading="What Research Studies Show")
    assert re.search(r"<li>Sepsis:\s*<ul>\s*<li>Earlier pooled data", section.body_html)


def test_a_list_of_short_items_stays_flat(loaded_article):
    section = loaded_article.sections.get(heading="Side Effects and Safety Considerations")
    short_items = re.search(r"<ul>\s*<li>Temporary liver enzyme.*?</ul>", section.body_html, re.S).group(0)
    assert short_items.count("<li>") == 3
    assert "<ul>" not in short_items[len("<ul>") :]


def test_educational_disclaimer_is_shown_after_the_last_section(client, loaded_article):
    page = client.get(loaded_article.get_absolute_url()).content.decode()
    last_section = loaded_article.sections.last()
    assert page.index('class="disclaimer"') > page.index(f'id="{last_section.anchor}"')
    assert "Educational Disclaimer: This article is for informational" in page


def test_the_disclaimers_first_sentence_as_stored_is_shown_under_the_title(client, loaded_article):
    page = client.get(loaded_article.get_absolute_url()).content.decode()
    top = html.unescape(re.search(r'<p class="disclaimer disclaimer--lead">(.*?)</p>', page).group(1))
    stored = loaded_article.disclaimer
    assert stored in source_lines()
    assert top == "Educational Disclaimer: This article is for informational and research purposes only."
    assert stored.startswith(top + " ")
    first_section = loaded_article.sections.first()
    assert page.index("</h1>") < page.index("disclaimer--lead") < page.index(f'id="{first_section.anchor}"')


def test_article_links_to_the_dosing_chart_page_that_exists(client, dosing_chart, loaded_article):
    page = client.get(loaded_article.get_absolute_url()).content.decode()
    path = dosing_chart.get_absolute_url()
    assert f'<a href="{path}" data-print-href="{absolute(path)}">dosing chart page</a>' in page
    assert client.get(dosing_chart.get_absolute_url()).status_code == 200


def test_dosing_chart_is_a_table_with_the_disclaimer_and_a_link_back(client, dosing_chart, loaded_article):
    page = client.get(dosing_chart.get_absolute_url()).content.decode()
    assert "<table>" in page and "<th>Frequency</th>" in page
    assert loaded_article.disclaimer in html.unescape(page)
    assert f'href="{loaded_article.get_absolute_url()}"' in page


def test_dosing_chart_states_only_figures_from_the_article(dosing_chart, loaded_article):
    article_text = " ".join(s.body for s in loaded_article.sections.all())
    chart_table = dosing_chart.sections.first().body
    figures = set(re.findall(r"\d+(?:\.\d+)?(?:–\d+)?\s*(?:mg|days)", chart_table))
    assert figures
    assert all(figure in article_text for figure in figures)


def test_every_internal_link_on_both_pages_resolves(client, dosing_chart, loaded_article):
    for article in (loaded_article, dosing_chart):
        page = client.get(article.get_absolute_url()).content.decode()
        for href in set(re.findall(r'<a href="(/[^"#]*)(?:#([^"]*))?"', page)):
            path, fragment = href
            target = client.get(path, follow=True)
            assert target.status_code == 200, path
            if fragment:
                assert f'id="{fragment}"' in target.content.decode(), f"{path}#{fragment}"


def test_loading_again_keeps_an_editors_change(loaded_article):
    section = loaded_article.sections.first()
    section.body = "An editor rewrote this."
    section.save()
    call_command("load_article", stdout=io.StringIO())
    section.refresh_from_db()
    assert section.body == "An editor rewrote this."
    assert loaded_article.sections.count() == 12


URGENT = (
    "Anyone experiencing trouble breathing, chest pain, severe rash, or rapidly worsening swelling after an "
    "injection should stop further doses and seek urgent medical attention."
)


def test_the_urgent_safety_sentence_is_a_warning_callout_with_its_wording_unchanged(loaded_article):
    section = loaded_article.sections.get(heading="Side Effects and Safety Considerations")
    assert (
        '<div class="callout callout--warning" role="note">\n<p class="callout__title">Warning</p>\n'
        f"<p>{URGENT}</p>\n</div>"
    ) in section.body_html


def normalised(text):
    """Whitespace folded, curly quotes straight, dashes hyphens: wording left to compare."""
    text = text.translate({ord("“"): '"', ord("”"): '"', ord("‘"): "'", ord("’"): "'", ord("–"): "-", ord("—"): "-"})
    return re.sub(r"\s+", " ", text).strip()


def chart_cells(chart):
    rows = [line for line in chart.sections.first().body.splitlines() if line.startswith("|")]
    _header, _divider, *data = rows
    return [cell.strip() for row in data for cell in row.strip().strip("|").split("|")]


def test_every_cell_of_the_dosing_chart_is_the_articles_own_wording(dosing_chart):
    article = normalised(SOURCE.read_text(encoding="utf-8"))
    cells = chart_cells(dosing_chart)
    assert len(cells) == 12
    # A cell may start with a capital where the article's words run on mid-sentence.
    not_in_article = [
        cell
        for cell in cells
        if normalised(cell) not in article and normalised(cell[0].lower() + cell[1:]) not in article
    ]
    assert not not_in_article


def test_the_dosing_chart_states_the_dose_pattern_once(client, dosing_chart):
    page = visible_text(client.get(dosing_chart.get_absolute_url()))
    assert page.count("often 1.6 mg subcutaneously (sometimes weight-based) per injection") == 1


def test_the_dosing_chart_keeps_critical_illness_apart_where_the_article_does(dosing_chart):
    rows = {cells[0]: cells[1:] for cells in zip(*[iter(chart_cells(dosing_chart))] * 3, strict=True)}
    assert rows["Critical illness"][1] == rows["Severe infections or sepsis"][1]
    assert rows["Critical illness"][0] == rows["Cancer support"][0]
    assert "chemotherapy" not in rows["Critical illness"][1]
