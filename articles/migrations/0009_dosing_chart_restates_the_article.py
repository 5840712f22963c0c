from django.db import migrations
from django.utils import timezone

from articles.markup import render_markdown

# The dosing chart's sections as load_article created them, and as corrected:
# the chart restates the article's own words, splits the settings the article
# groups differently in different places, and states the 1.6 mg pattern once.
LOADED = {
    'Research dosing patterns at a glance': (
        'The table gathers, by setting, the dosing patterns that the main article describes from clinical use and trials. Doses vary by condition and protocol; this is a research overview, not a dosing instruction.\n'
        '\n'
        '| Setting | Dose size | Frequency | Course length |\n'
        '| --- | --- | --- | --- |\n'
        '| Chronic viral hepatitis | Often 1.6 mg subcutaneously (sometimes weight-based) per injection | Frequently twice weekly for many weeks | Treatment may last many months, sometimes in repeated cycles |\n'
        '| Severe infections or sepsis | Often 1.6 mg subcutaneously (sometimes weight-based) per injection | Daily or twice-daily injections for a limited period | Typically short (for example, 7–14 days), stopped once the acute phase has passed |\n'
        '| Cancer support or critical illness | Often 1.6 mg subcutaneously (sometimes weight-based) per injection | Schedules vary (e.g., several times per week) alongside other treatments | Often tied to chemotherapy cycles or immunotherapy regimens |\n'
        '\n'
        'Timing during the day is generally flexible. There is no single standard “cycle” for all uses: decisions about starting, continuing, cycling, or stopping belong with a specialist team.'
    ),
    'Where these figures come from': (
        'Every entry above restates the main article’s sections on [dosing patterns and timing](/articles/thymosin-alpha-1/#dosing-patterns-and-timing-research-context) and on [cycling and breaks](/articles/thymosin-alpha-1/#cycling-and-breaks). Read the [full article on Thymosin Alpha 1](/articles/thymosin-alpha-1/) for the evidence behind them and its limits.'
    ),
}
CORRECTED = {
    'Research dosing patterns at a glance': (
        "The table sets out, by setting, the research dosing patterns the main article describes, each in the article's own words. Doses vary by condition and protocol; this is a research overview, not a dosing instruction.\n"
        '\n'
        'Dose size, which the article gives once as a common research pattern for all settings: often 1.6 mg subcutaneously (sometimes weight-based) per injection.\n'
        '\n'
        '| Setting | Frequency | Course length |\n'
        '| --- | --- | --- |\n'
        '| Chronic viral hepatitis | Frequently twice weekly for many weeks | Treatment may last many months, sometimes in repeated cycles |\n'
        '| Severe infections or sepsis | Daily or twice-daily injections for a limited period (for example, 7–14 days) | Usually short courses (days to a couple of weeks) added to standard care |\n'
        '| Critical illness | Schedules vary (e.g., several times per week) alongside other treatments | Usually short courses (days to a couple of weeks) added to standard care |\n'
        '| Cancer support | Schedules vary (e.g., several times per week) alongside other treatments | Schedules vary, often tied to chemotherapy cycles or immunotherapy regimens |\n'
        '\n'
        'Timing during the day is generally flexible. There is no single standard “cycle” for all uses; for any person under medical care, decisions about starting, continuing, cycling, or stopping thymosin alpha 1 should be made with their specialist team.'
    ),
    'Where these figures come from': (
        "Every entry above restates the main article's sections on [dosing patterns and timing](/articles/thymosin-alpha-1/#dosing-patterns-and-timing-research-context) and on [cycling and breaks](/articles/thymosin-alpha-1/#cycling-and-breaks). The article groups critical illness with cancer support when it describes how often doses are given, and with sepsis when it describes how long courses last, so the table gives each its own row. Read the [full article on Thymosin Alpha 1](/articles/thymosin-alpha-1/) for the evidence behind them and its limits."
    ),
}


def _replace_sections(apps, before, after, reason):
    """Only sections whose heading and body are still exactly as loaded: an editor's change is never touched."""
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    HistoricalSection = apps.get_model("articles", "HistoricalSection")
    now = timezone.now()
    for heading, body in before.items():
        for section in Section.objects.filter(heading=heading, body=body):
            new_body = after[heading]
            Section.objects.filter(pk=section.pk).update(body=new_body, body_html=render_markdown(new_body))
            HistoricalSection.objects.create(
                id=section.pk, article_id=section.article_id, position=section.position, heading=heading,
                anchor=section.anchor, body=new_body, history_date=now, history_type="~",
                history_change_reason=reason,
            )
            Article.objects.filter(pk=section.article_id).update(updated_at=now)


def forwards(apps, schema_editor):
    _replace_sections(apps, LOADED, CORRECTED, "Dosing chart restates only the article")


def backwards(apps, schema_editor):
    _replace_sections(apps, CORRECTED, LOADED, "Dosing chart as first loaded")


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_urgent_sentence_as_warning_callout")]

    operations = [migrations.RunPython(forwards, backwards)]
