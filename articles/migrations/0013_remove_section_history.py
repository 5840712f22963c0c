from django.db import migrations


class Migration(migrations.Migration):
    """Revisions of the whole article (0006 carried the old history over) replace the per-section history."""

    dependencies = [
        ("articles", "0012_first_revisions"),
    ]

    operations = [
        migrations.DeleteModel(name="HistoricalSection"),
    ]
