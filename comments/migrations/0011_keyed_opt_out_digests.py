from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError
from django.utils.crypto import salted_hmac

# As comments/outbox.py keys an address's plain SHA-256 when this migration was written.
OPT_OUT_SALT = "comments.opt-out"


def key_the_digests(apps, schema_editor):
    """Each opt-out held the address's plain SHA-256; keying that digest gives
    exactly what the address is now held under, without knowing the address."""
    EmailOptOut = apps.get_model("comments", "EmailOptOut")
    for opt_out in EmailOptOut.objects.iterator():
        opt_out.address_hash = salted_hmac(OPT_OUT_SALT, opt_out.address_hash, algorithm="sha256").hexdigest()
        opt_out.save(update_fields=("address_hash",))


def refuse_to_unkey(apps, schema_editor):
    """A keyed hash cannot be turned back into the plain digest: going back
    would silently lose every opt-out, so it is refused while there are any."""
    if apps.get_model("comments", "EmailOptOut").objects.exists():
        raise IrreversibleError(
            "Opt-outs are held as keyed hashes, which cannot be turned back into plain SHA-256 digests."
        )


class Migration(migrations.Migration):
    dependencies = [("comments", "0010_reader_fields_without_control_characters")]

    operations = [
        migrations.RunPython(key_the_digests, refuse_to_unkey),
        migrations.AlterField(
            model_name="emailoptout",
            name="address_hash",
            field=models.CharField(
                help_text="An HMAC of the address's SHA-256 under a key derived from SECRET_KEY, or from one of "
                "SECRET_KEY_FALLBACKS if it was recorded before the key was rotated.",
                max_length=64,
                unique=True,
            ),
        ),
    ]
