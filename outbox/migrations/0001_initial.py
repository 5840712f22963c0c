import django.db.models.deletion
import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# The models that moved here from the comments app (its 0014), tables and all.
MOVED = ("outboundemail", "deliveryattempt", "emailoptout", "mailworker")
MODERATOR_PERMISSIONS = ("view_outboundemail", "view_deliveryattempt", "retry_outboundemail")


def relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        # One the new app already has (created by hand, say) stays as it is.
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    """The moved models keep their content types, and with them their
    permissions, whoever holds those, and the admin's history of them."""
    relabel(apps, "comments", "outbox")


def move_content_types_back(apps, schema_editor):
    relabel(apps, "outbox", "comments")


def grant(apps, schema_editor):
    """Moderators look into the outbox and send failed emails again, as they
    did while it was part of the comments app. As in comments' 0007: the
    permissions are created now, so a fresh database gets a complete group."""
    app_config = apps.get_app_config("outbox")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(content_type__app_label="outbox", codename__in=MODERATOR_PERMISSIONS)
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("comments", "0014_the_outbox_moves_to_its_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        # The tables are there already, renamed by comments' 0014.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='EmailOptOut',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('address_hash', models.CharField(help_text="An HMAC of the address's SHA-256 under a key derived from SECRET_KEY, or from one of SECRET_KEY_FALLBACKS if it was recorded before the key was rotated.", max_length=64, unique=True)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'verbose_name': 'email opt-out',
                    },
                ),
                migrations.CreateModel(
                    name='MailWorker',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('host', models.CharField(max_length=255)),
                        ('pid', models.PositiveIntegerField(verbose_name='process id')),
                        ('last_seen', models.DateTimeField(help_text="By the database's clock. Updated before each pass and after each email; a sender not seen for a day is forgotten.")),
                    ],
                    options={
                        'ordering': ('-last_seen',),
                        'constraints': [models.UniqueConstraint(fields=('host', 'pid'), name='mailworker_one_row_per_process')],
                    },
                ),
                migrations.CreateModel(
                    name='OutboundEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(help_text='What the email tells, in the words of the app that wrote it (see `about`).', max_length=10)),
                        ('about_id', models.PositiveBigIntegerField()),
                        ('to', models.EmailField(max_length=254)),
                        ('subject', models.CharField(help_text='One line.', max_length=300)),
                        ('body', models.TextField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('due_at', models.DateTimeField(default=django.utils.timezone.now, help_text="Not sent before this time: when the app that wrote it says (e.g. a decision's undo window has closed), then the next retry.")),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('sent_at', models.DateTimeField(blank=True, help_text='When the mail server accepted it.', null=True)),
                        ('cancelled_at', models.DateTimeField(blank=True, help_text='The app that wrote it took it back (e.g. a decision was undone), or the address unsubscribed.', null=True)),
                        ('failed_at', models.DateTimeField(blank=True, help_text='When the sender gave up retrying.', null=True)),
                        ('about_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                    ],
                    options={
                        'verbose_name': 'outgoing email',
                        'ordering': ('-created_at', '-pk'),
                        'permissions': (('retry_outboundemail', 'Can send failed emails again'),),
                    },
                ),
                migrations.CreateModel(
                    name='DeliveryAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('error', models.TextField(blank=True, help_text='Empty when the mail server accepted the email.')),
                        ('email', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='delivery_attempts', to='outbox.outboundemail')),
                    ],
                    options={
                        'ordering': ('at', 'pk'),
                    },
                ),
                migrations.AddIndex(
                    model_name='outboundemail',
                    index=models.Index(fields=['sent_at', 'due_at'], name='outboundemail_sent_due'),
                ),
                migrations.AddConstraint(
                    model_name='outboundemail',
                    constraint=models.UniqueConstraint(condition=models.Q(('cancelled_at', None)), fields=('about_type', 'about_id', 'kind', 'to'), name='outboundemail_once_per_object'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        # Going back, the permissions go back with their content types.
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
