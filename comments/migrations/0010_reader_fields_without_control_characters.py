import re

from django.conf import settings
from django.db import migrations, models

# As comments/text.py has it when this migration was written.
CONTROL_CHARACTERS = r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]"
FIELDS = ("name", "email", "body")


def replace_control_characters(apps, schema_editor):
    """A comment stored before the constraint keeps its text, with each control
    character shown as U+FFFD, the mark for a character that could not be kept.
    The fields derived from the body and the address hold the same characters
    in the same places, so they are corrected alike."""
    Comment = apps.get_model("comments", "Comment")
    control = re.compile(CONTROL_CHARACTERS)
    holding = models.Q()
    for field in FIELDS:
        holding |= models.Q(**{f"{field}__regex": CONTROL_CHARACTERS})
    for comment in Comment.objects.filter(holding).iterator():
        for field in (*FIELDS, "body_html", "email_key"):
            setattr(comment, field, control.sub("\ufffd", getattr(comment, field)))
        comment.save(update_fields=(*FIELDS, "body_html", "email_key"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_slug_help_text_shows_in_the_admin"),
        ("comments", "0009_body_constraint_named_without_its_number"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(replace_control_characters, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=~models.Q(name__regex=CONTROL_CHARACTERS)
                & ~models.Q(email__regex=CONTROL_CHARACTERS)
                & ~models.Q(body__regex=CONTROL_CHARACTERS),
                name="comment_text_without_control_characters",
            ),
        ),
    ]
