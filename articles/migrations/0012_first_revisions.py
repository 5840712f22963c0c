"""Give every section its key and every article its revisions so far.

The per-section history kept until now is replayed into whole-article
revisions (changes one person saved within a few seconds count as one, as
when the article was first loaded), each marked as published, since every
save then went live at once. The article's own fields had no history: each
of these revisions carries them as they are now. The last revision is the
published article as it stands, so it is what the first draft starts from.
"""

import datetime
import uuid

from django.contrib.auth.management import create_permissions
from django.db import migrations

ARTICLE_FIELDS = ("title", "slug", "summary", "is_published", "disclaimer")
SECTION_FIELDS = ("heading", "anchor", "body")
SAME_SAVE = datetime.timedelta(seconds=5)


def article_fields(article):
    return {name: getattr(article, name) for name in ARTICLE_FIELDS}


def content(fields, sections, keys):
    ordered = sorted(sections, key=lambda s: (s.position, s.id))
    return {
        "article": fields,
        "sections": [{"key": keys[s.id], **{name: getattr(s, name) for name in SECTION_FIELDS}} for s in ordered],
    }


def replayed(history):
    """Batches of history records: one person's saves within a few seconds."""
    batch = []
    for record in history:
        if batch and (record.history_user_id != batch[0].history_user_id
                      or record.history_date - batch[0].history_date > SAME_SAVE):
            yield batch
            batch = []
        batch.append(record)
    if batch:
        yield batch


def forwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    HistoricalSection = apps.get_model("articles", "HistoricalSection")
    Revision = apps.get_model("articles", "Revision")

    sections = list(Section.objects.all())
    for section in sections:
        section.key = uuid.uuid4()
    Section.objects.bulk_update(sections, ["key"])

    for article in Article.objects.all():
        if Revision.objects.filter(article=article).exists():
            continue
        fields = article_fields(article)
        current = list(Section.objects.filter(article=article))
        keys = {section.id: str(section.key) for section in current}
        state, last = {}, None
        history = HistoricalSection.objects.filter(article_id=article.pk).order_by("history_date", "history_id")
        for batch in replayed(history):
            for record in batch:
                keys.setdefault(record.id, str(uuid.uuid4()))
                if record.history_type == "-":
                    state.pop(record.id, None)
                else:
                    state[record.id] = record
            last = content(fields, state.values(), keys)
            Revision.objects.create(
                article=article, content=last, created_at=batch[-1].history_date,
                created_by_id=batch[-1].history_user_id, published_at=batch[-1].history_date,
                note=batch[-1].history_change_reason or "",
            )
        now = content(fields, current, keys)
        if now != last:
            Revision.objects.create(
                article=article, content=now, created_at=article.updated_at, published_at=article.updated_at,
                note="The published article when revisions began.",
            )


def editors_edit_drafts(apps, schema_editor):
    # Editors write the draft's sections (the article form's inline) and
    # publish; the published sections have no form of their own any more.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    articles = Permission.objects.filter(content_type__app_label="articles")
    editors.permissions.add(*articles.filter(codename__in=(
        "publish_article", "add_draftsection", "change_draftsection", "delete_draftsection", "view_draftsection",
    )))
    editors.permissions.remove(*articles.filter(
        codename__in=("add_section", "change_section", "delete_section", "view_historicalsection")
    ))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_drafts_and_revisions"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(editors_edit_drafts, migrations.RunPython.noop),
    ]
