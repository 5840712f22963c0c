import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Func, OuterRef, Q, Subquery


def count_threads(apps, schema_editor):
    """What comments/counts.py keeps from now on, counted once for the comments there are."""
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("comments", "Comment")
    approved = Comment.objects.filter(status="approved").filter(Q(pk=OuterRef("pk")) | Q(parent=OuterRef("pk")))
    count = approved.order_by().values(count=Func("pk", function="COUNT"))
    Comment.objects.filter(parent=None).update(approved_in_thread=Subquery(count))
    for article in Article.objects.all():
        comments = Comment.objects.filter(article=article)
        Article.objects.filter(pk=article.pk).update(
            comment_count=comments.filter(status="approved").count(),
            thread_count=comments.filter(parent=None, approved_in_thread__gt=0).count(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_comment_and_thread_counts"),
        ("comments", "0014_the_outbox_moves_to_its_own_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="approved_in_thread",
            field=models.PositiveIntegerField(
                db_default=0,
                default=0,
                editable=False,
                help_text="On a top-level comment: how many comments of its thread are approved, itself included. "
                "Kept by counts.py; 0 on replies.",
            ),
        ),
        migrations.RunPython(count_threads, migrations.RunPython.noop),
        migrations.AddField(
            model_name="comment",
            name="thread_shown",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Q(("approved_in_thread__gt", 0)),
                help_text="On a top-level comment: its thread is on the article's pages.",
                output_field=models.BooleanField(),
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("parent", None), ("thread_shown", True)),
                fields=["article", "created_at", "id"],
                name="comment_shown_threads",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["parent", "status", "created_at"], name="comment_parent_status_created"),
        ),
        migrations.AlterField(
            model_name="comment",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                help_text="The top-level comment this one replies to. Threads are one level deep, and a comment with "
                "replies is never deleted with them: erasing it blanks it instead.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replies",
                to="comments.comment",
            ),
        ),
    ]
