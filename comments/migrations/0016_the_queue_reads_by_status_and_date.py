from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0015_threads_keep_their_approved_count"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["status", "created_at", "id"], name="comment_status_created"),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["created_at", "id"], name="comment_created"),
        ),
        migrations.AlterField(
            model_name="comment",
            name="status",
            field=models.CharField(
                choices=[("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected"), ("spam", "Spam")],
                default="pending",
                help_text="Only approved comments are shown to readers.",
                max_length=10,
            ),
        ),
    ]
