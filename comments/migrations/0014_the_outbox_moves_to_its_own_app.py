from django.db import migrations

# The outbox's models, which move to the outbox app (its 0001) with their tables.
MOVED = {
    "deliveryattempt": "outbox_deliveryattempt",
    "outboundemail": "outbox_outboundemail",
    "emailoptout": "outbox_emailoptout",
    "mailworker": "outbox_mailworker",
}


class Migration(migrations.Migration):
    """The outbox leaves the comments app: its tables are renamed to the outbox
    app's names, every row kept, and the comments app stops describing them."""

    dependencies = [("comments", "0013_outbound_email_names_what_it_is_about")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name=model, table=table) for model, table in MOVED.items()],
            # Attempts first: they refer to the emails.
            state_operations=[migrations.DeleteModel(name=model) for model in MOVED],
        ),
    ]
