"""The outbox's models, which began in the comments app and moved here with
their tables and rows (comments' 0014, now in its squash). The comments app
still makes the tables under its own names, and this migration renames them:
made the way that move made them, they get the same index and constraint
names as on a database that made it.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('comments', '0001_squashed_0016_the_queue_reads_by_status_and_date'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        # The tables are there, made by the comments app.
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
                        'db_table': 'comments_emailoptout',
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
                        'db_table': 'comments_mailworker',
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
                        'db_table': 'comments_outboundemail',
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
                        'db_table': 'comments_deliveryattempt',
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
        migrations.AlterModelTable(name='emailoptout', table=None),
        migrations.AlterModelTable(name='mailworker', table=None),
        migrations.AlterModelTable(name='outboundemail', table=None),
        migrations.AlterModelTable(name='deliveryattempt', table=None),
    ]
