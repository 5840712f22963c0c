from django.db import migrations, models


def number_revisions(apps, schema_editor):
    """Each article's existing revisions, oldest first, become 1, 2, 3…"""
    Revision = apps.get_model("articles", "Revision")
    numbered, article, number = [], None, 0
    for revision in Revision.objects.order_by("article_id", "created_at", "pk").only("pk", "article_id"):
        number = number + 1 if revision.article_id == article else 1
        article = revision.article_id
        revision.number = number
        numbered.append(revision)
    Revision.objects.bulk_update(numbered, ["number"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_squashed_0015_comment_and_thread_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="number",
            field=models.PositiveIntegerField(null=True, editable=False),
        ),
        migrations.RunPython(number_revisions, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="revision",
            name="number",
            field=models.PositiveIntegerField(
                editable=False,
                help_text="Counts the article's revisions from 1: how the admin names one. Given on the first "
                "save, one past the article's highest; unique within the article.",
            ),
        ),
        migrations.AddConstraint(
            model_name="revision",
            constraint=models.UniqueConstraint(fields=("article", "number"), name="revision_number_unique_in_article"),
        ),
    ]
