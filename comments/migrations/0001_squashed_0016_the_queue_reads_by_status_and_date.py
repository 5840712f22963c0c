"""The comments app's migrations up to 0016 in one: the schema they left, without
the steps that rewrote stored comments or filled the staff groups, and without
the outbox, whose tables outbox's 0001 creates. A database part-way through
them is refused (ta1's migrate command): migrate it with the previous release
first.
"""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('comments', '0001_initial'),
        ('comments', '0002_moderators_group_permissions'),
        ('comments', '0003_body_newlines_are_lf'),
        ('comments', '0004_email_key_and_link_count'),
        ('comments', '0005_address_created_index'),
        ('comments', '0006_outbox_and_replies'),
        ('comments', '0007_moderators_reply_and_see_the_outbox'),
        ('comments', '0008_comment_email_created'),
        ('comments', '0009_body_constraint_named_without_its_number'),
        ('comments', '0010_reader_fields_without_control_characters'),
        ('comments', '0011_keyed_opt_out_digests'),
        ('comments', '0012_mail_worker_heartbeat_and_retry'),
        ('comments', '0013_outbound_email_names_what_it_is_about'),
        ('comments', '0014_the_outbox_moves_to_its_own_app'),
        ('comments', '0015_threads_keep_their_approved_count'),
        ('comments', '0016_the_queue_reads_by_status_and_date'),
    ]

    dependencies = [
        ('articles', '0001_squashed_0015_comment_and_thread_counts'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Comment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('by_site_team', models.BooleanField(default=False, editable=False, help_text='Written by staff as the site: published at once, shown marked, without an email address.', verbose_name='from the site team')),
                ('name', models.CharField(help_text='Shown with the comment once it is approved. One line.', max_length=80, validators=[django.core.validators.RegexValidator('[\\x00-\\x1f\\x7f\\u2028\\u2029]', code='single_line', inverse_match=True, message='Use a single line, without line breaks or control characters.')])),
                ('email', models.EmailField(blank=True, help_text="Never published. Only moderators see it, to answer data-protection requests. Empty for the site team's replies and for erased comments.", max_length=254)),
                ('body', models.TextField(help_text='Plain text, at most 2000 characters as a reader counts them; stored with newlines as LF and surrounding whitespace trimmed.')),
                ('email_key', models.CharField(editable=False, help_text='The address normalised and case-folded, set on save: what export, erasure and the duplicate check match on.', max_length=254)),
                ('body_html', models.TextField(blank=True, editable=False)),
                ('link_count', models.PositiveIntegerField(default=0, editable=False, help_text='How many links the text shows readers, set on save.')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('spam', 'Spam')], default='pending', help_text='Only approved comments are shown to readers.', max_length=10)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('moderated_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('ip_hmac', models.CharField(blank=True, editable=False, help_text='The address itself is never stored; the same address always gives the same hash.', max_length=64, verbose_name='IP address (keyed hash)')),
                ('user_agent', models.CharField(blank=True, editable=False, max_length=200)),
                ('notify_on_publish', models.BooleanField(default=False, help_text='The commenter asked for one email when it is approved.', verbose_name='email me when published')),
                ('publication_notice_sent_at', models.DateTimeField(blank=True, editable=False, help_text='Set when the mail server accepted that email.', null=True)),
                ('notify_on_reply', models.BooleanField(default=False, help_text='The commenter asked for one email per published reply.', verbose_name='email me about replies')),
                ('reply_notice_sent_at', models.DateTimeField(blank=True, editable=False, help_text='For a reply: when the mail server accepted the email telling the commenter replied to.', null=True)),
                ('spam_reasons', models.TextField(blank=True, editable=False, help_text='Why the comment was held as spam when it arrived, one reason per line.')),
                ('approved_in_thread', models.PositiveIntegerField(db_default=0, default=0, editable=False, help_text='On a top-level comment: how many comments of its thread are approved, itself included. Kept by counts.py; 0 on replies.')),
                ('thread_shown', models.GeneratedField(db_persist=True, expression=models.Q(('approved_in_thread__gt', 0)), help_text="On a top-level comment: its thread is on the article's pages.", output_field=models.BooleanField())),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='articles.article')),
                ('author', models.ForeignKey(blank=True, editable=False, help_text='The staff member who wrote a site-team reply.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('in_reply_to', models.ForeignKey(blank=True, editable=False, help_text='The comment the reader answered: the parent, or a reply in its thread.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='comments.comment')),
                ('moderated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('parent', models.ForeignKey(blank=True, db_index=False, editable=False, help_text='The top-level comment this one replies to. Threads are one level deep, and a comment with replies is never deleted with them: erasing it blanks it instead.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replies', to='comments.comment')),
            ],
            options={
                'ordering': ('created_at', 'pk'),
                'permissions': (('moderate_comment', "Can moderate comments and see commenters' email addresses"), ('reply_as_site', 'Can reply to published comments as the site team')),
            },
        ),
        migrations.CreateModel(
            name='ModerationDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('spam', 'Spam')], max_length=10)),
                ('to_status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('spam', 'Spam')], max_length=10)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='comments.comment')),
            ],
            options={
                'ordering': ('-at', '-pk'),
            },
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['article', 'status', 'created_at'], name='comment_article_status_created'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('parent', None), ('thread_shown', True)), fields=['article', 'created_at', 'id'], name='comment_shown_threads'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['parent', 'status', 'created_at'], name='comment_parent_status_created'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['status', 'created_at', 'id'], name='comment_status_created'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['created_at', 'id'], name='comment_created'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['ip_hmac', 'created_at'], name='comment_address_created'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['email_key', 'created_at'], name='comment_email_created'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('body'), 2000), name='comment_body_within_length_limit'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=models.Q(('body__contains', '\r'), _negated=True), name='comment_body_newlines_are_lf'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'approved', 'rejected', 'spam'])), name='comment_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=models.Q(('by_site_team', False), ('email', ''), _connector='OR'), name='comment_site_team_has_no_email'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('name__regex', '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]'), _negated=True), models.Q(('email__regex', '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]'), _negated=True), models.Q(('body__regex', '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]'), _negated=True)), name='comment_text_without_control_characters'),
        ),
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
            },
        ),
        migrations.CreateModel(
            name='DeliveryAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('error', models.TextField(blank=True, help_text='Empty when the mail server accepted the email.')),
                ('email', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='delivery_attempts', to='comments.outboundemail')),
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
        # The outbox's models were the comments app's until they moved to the
        # outbox app (its 0001 takes them, renaming their tables).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='DeliveryAttempt'),
                migrations.DeleteModel(name='OutboundEmail'),
                migrations.DeleteModel(name='EmailOptOut'),
                migrations.DeleteModel(name='MailWorker'),
            ],
        ),
    ]
