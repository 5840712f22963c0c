import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError
from django.db.models import F


def about_the_comment(apps, schema_editor):
    """Every email so far is about a comment: its reference becomes a generic one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    comment_type, _ = ContentType.objects.get_or_create(app_label="comments", model="comment")
    apps.get_model("comments", "OutboundEmail").objects.update(about_type=comment_type, about_id=F("comment_id"))


def back_to_the_comment(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    OutboundEmail = apps.get_model("comments", "OutboundEmail")
    comment_type = ContentType.objects.filter(app_label="comments", model="comment").first()
    if OutboundEmail.objects.exclude(about_type=comment_type).exists():
        raise IrreversibleError("Some emails are about something other than a comment, which this schema cannot hold.")
    OutboundEmail.objects.update(comment_id=F("about_id"))


class Migration(migrations.Migration):
    """The outbox's emails name what they are about generically (a content
    type and an id) instead of by a foreign key to a comment, so that the
    outbox can become an app that knows nothing of comments."""

    dependencies = [
        ("comments", "0012_mail_worker_heartbeat_and_retry"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # First, so that going back can fill the column before requiring it again.
        migrations.AlterField(
            model_name="outboundemail",
            name="comment",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="emails", to="comments.comment"
            ),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="about_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="about_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(about_the_comment, back_to_the_comment),
        migrations.RemoveConstraint(model_name="outboundemail", name="outboundemail_once_per_comment"),
        migrations.RemoveField(model_name="outboundemail", name="comment"),
        migrations.AlterField(
            model_name="outboundemail",
            name="about_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype"
            ),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="about_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="outboundemail",
            constraint=models.UniqueConstraint(
                condition=models.Q(("cancelled_at", None)),
                fields=("about_type", "about_id", "kind", "to"),
                name="outboundemail_once_per_object",
            ),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="kind",
            field=models.CharField(
                help_text="What the email tells, in the words of the app that wrote it (see `about`).", max_length=10
            ),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="due_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="Not sent before this time: when the app that wrote it says (e.g. a decision's undo "
                "window has closed), then the next retry.",
            ),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="cancelled_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The app that wrote it took it back (e.g. a decision was undone), or the address "
                "unsubscribed.",
                null=True,
            ),
        ),
    ]
