from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from articles import drafts, source, versions
from articles.models import Article, Section

CONTENT = Path(__file__).resolve().parents[2] / "content"
ARTICLE_SLUG = "thymosin-alpha-1"
CHART_SLUG = "thymosin-alpha-1-dosing-chart"


class Command(BaseCommand):
    help = (
        "Load the Thymosin Alpha 1 article and its dosing chart from articles/content/. "
        "An article that already exists is left exactly as editors made it."
    )

    def handle(self, *args, **options):
        chart_url = f"/articles/{CHART_SLUG}/"
        parsed = source.parse(
            (CONTENT / "thymosin-alpha-1.txt").read_text(encoding="utf-8"),
            links={"dosing chart page": chart_url},
        )
        self.load(
            slug=ARTICLE_SLUG,
            title="Thymosin Alpha 1",
            summary="What thymosin alpha 1 is, what the research shows and where it is uncertain, "
            "how it is used in clinical settings, and its side effects: an educational overview.",
            sections=parsed.sections,
            disclaimer=parsed.disclaimer,
        )
        self.load(
            slug=CHART_SLUG,
            title="Thymosin Alpha 1 Dosing Chart (Research Context)",
            summary="The research dosing patterns for thymosin alpha 1 described in our article, "
            "set out as a table by setting: dose size, frequency and course length.",
            sections=markdown_sections((CONTENT / "dosing-chart.md").read_text(encoding="utf-8")),
            disclaimer=parsed.disclaimer,
        )

    @transaction.atomic
    def load(self, *, slug, title, summary, sections, disclaimer):
        article, created = Article.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "disclaimer": disclaimer,
            },
        )
        if not created:
            self.stdout.write(f"{slug}: already loaded, left unchanged.")
            return
        for position, (heading, body) in enumerate(sections, start=1):
            Section.objects.create(article=article, position=position * 10, heading=heading, body=body)
        # The first revision: what a first draft starts from and can return to.
        drafts.live_revision(article)
        # Published as it is created: processes that found no article at this address look again.
        versions.announce()
        self.stdout.write(f"{slug}: loaded {len(sections)} sections.")


def markdown_sections(text):
    """Split Markdown on its "## " headings into (heading, body) pairs."""
    sections = []
    for line in text.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        else:
            sections[-1][1].append(line)
    return [(heading, "\n".join(body).strip()) for heading, body in sections]
