from django.db import migrations, models

from comments import text


def fill_in(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    for comment in Comment.objects.only("email", "body").iterator():
        Comment.objects.filter(pk=comment.pk).update(
            email_key=text.email_key(comment.email), link_count=text.count_links(comment.body)
        )


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_body_newlines_are_lf")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="email_key",
            field=models.CharField(
                db_index=True,
                default="",
                editable=False,
                help_text="The address normalised and case-folded, set on save: what export, erasure and the "
                "duplicate check match on.",
                max_length=254,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="comment",
            name="link_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="How many links the text shows readers, set on save."
            ),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
