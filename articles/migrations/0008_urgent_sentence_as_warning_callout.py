from django.db import migrations
from django.utils import timezone

from articles.markup import MarkupRefused, render_markdown

SENTENCE = (
    "Anyone experiencing trouble breathing, chest pain, severe rash, or rapidly worsening swelling after an "
    "injection should stop further doses and seek urgent medical attention."
)
CALLOUT = f"> [!WARNING]\n> {SENTENCE}"


def _replace_paragraph(apps, old, new, reason):
    """Only where the paragraph is still exactly as loaded: an editor's wording is never touched."""
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    HistoricalSection = apps.get_model("articles", "HistoricalSection")
    now = timezone.now()
    for section in Section.objects.filter(body__contains=old):
        paragraphs = section.body.split("\n\n")
        if old not in paragraphs:
            continue
        body = "\n\n".join(new if paragraph == old else paragraph for paragraph in paragraphs)
        try:
            body_html = render_markdown(body)
        except MarkupRefused:
            # Something else in the section is no longer accepted; the
            # editor's next save will ask for it to be rewritten.
            continue
        Section.objects.filter(pk=section.pk).update(body=body, body_html=body_html)
        HistoricalSection.objects.create(
            id=section.pk, article_id=section.article_id, position=section.position, heading=section.heading,
            anchor=section.anchor, body=body, history_date=now, history_type="~", history_change_reason=reason,
        )
        Article.objects.filter(pk=section.article_id).update(updated_at=now)


def forwards(apps, schema_editor):
    _replace_paragraph(apps, SENTENCE, CALLOUT, "Urgent safety sentence shown as a warning callout")


def backwards(apps, schema_editor):
    _replace_paragraph(apps, CALLOUT, SENTENCE, "Warning callout back to a plain paragraph")


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_section_markdown_help")]

    operations = [migrations.RunPython(forwards, backwards)]
