"""The articles app's migrations up to 0015 in one: the schema they left, without
the steps that rewrote content or filled the staff groups (staff/roles.py does
that after every migrate). A database part-way through them is refused
(ta1's migrate command): migrate it with the previous release first.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('articles', '0001_initial'),
        ('articles', '0002_editor_and_moderator_groups'),
        ('articles', '0003_article_comments_changed_at'),
        ('articles', '0004_anchor_help_and_updated_at'),
        ('articles', '0005_reviews'),
        ('articles', '0006_reviewers_group_and_no_unearned_review_dates'),
        ('articles', '0007_section_markdown_help'),
        ('articles', '0008_urgent_sentence_as_warning_callout'),
        ('articles', '0009_dosing_chart_restates_the_article'),
        ('articles', '0010_article_title_single_line'),
        ('articles', '0011_drafts_and_revisions'),
        ('articles', '0012_first_revisions'),
        ('articles', '0013_remove_section_history'),
        ('articles', '0014_slug_help_text_shows_in_the_admin'),
        ('articles', '0015_comment_and_thread_counts'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Article',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(help_text='One line; also the subject of comment emails.', max_length=200, validators=[django.core.validators.RegexValidator('[\\x00-\\x1f\\x7f\\u2028\\u2029]', code='single_line', inverse_match=True, message='Use a single line, without line breaks or control characters.')])),
                ('slug', models.SlugField(help_text="The part of the article's address after /articles/. Changing it breaks links to it.", max_length=100, unique=True)),
                ('summary', models.CharField(help_text='One or two sentences; search engines and link previews show it.', max_length=300)),
                ('is_published', models.BooleanField(default=True, help_text='Untick to take the whole article off the site: readers get “not found” and the sitemap leaves it out.', verbose_name='visible to readers')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True, help_text='Shown as “Last updated”; set when a draft is published.')),
                ('last_reviewed', models.DateField(blank=True, editable=False, help_text='Set only by “Mark as reviewed”: the day someone with the review permission last checked the content against the evidence. Shown as “Last reviewed”; editing the content never moves it.', null=True)),
                ('next_review_due', models.DateField(blank=True, editable=False, help_text="Chosen when marking as reviewed (twelve months later unless changed). Shown as “Next review due”; the admin's home page lists articles whose review is due.", null=True)),
                ('disclaimer', models.TextField(help_text='Shown set apart after the last section of the article, always visible. Plain text.')),
                ('comments_changed_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, help_text='When a published comment last appeared, changed or went away; with the last-updated time it names the cached copy of the page.')),
                ('comment_count', models.PositiveIntegerField(db_default=0, default=0, editable=False, help_text="How many of its comments readers see (the approved ones), as the page's heading says. The comments app keeps it whenever a comment appears or goes away, so no page counts them.")),
                ('thread_count', models.PositiveIntegerField(db_default=0, default=0, editable=False, help_text='How many threads its pages of comments hold: top-level comments that are approved or have approved replies. Kept with the comment count.')),
            ],
            options={
                'ordering': ('title',),
                'permissions': (('review_article', 'Can mark an article as reviewed'), ('publish_article', "Can publish an article's draft")),
            },
        ),
        migrations.CreateModel(
            name='DraftSection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.UUIDField(default=uuid.uuid4, editable=False, help_text='Names the section across its draft, its published copy and every revision.')),
                ('position', models.PositiveIntegerField(default=0, help_text='Sections are shown in ascending order.')),
                ('heading', models.CharField(max_length=200)),
                ('anchor', models.SlugField(blank=True, help_text='The #fragment that links to this section. Made from the heading when left empty, then kept when the heading changes, so that links to it keep working. Names the page uses itself, such as “comments”, are not available.', max_length=100)),
                ('body', models.TextField(blank=True, help_text="Markdown: a blank line between paragraphs; **bold**, *italic*; “- ” for a list item, “1. ” for a numbered one (indent two spaces to nest); “### ” or “#### ” for a sub-heading; [text](https://…) for a link (https://, http://, mailto:, or /… for a page of this site); “> ” for a quotation; | pipes | for a table; “> [!WARNING]” on its own line, followed by “> ” lines, for urgent safety text. HTML, images, code, horizontal lines and “#” or “##” headings (the page's own) are refused with a note of what to write instead.")),
                ('body_html', models.TextField(blank=True, editable=False)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='draft_sections', to='articles.article')),
            ],
            options={
                'verbose_name': 'section',
                'ordering': ('position', 'pk'),
            },
        ),
        migrations.CreateModel(
            name='Review',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reviewed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('note', models.TextField(help_text='What was checked, and against which evidence. Staff only; readers see the date.')),
                ('next_review_due', models.DateField(help_text='Twelve months after the review unless the reviewer chose another day.')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='articles.article')),
                ('reviewed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ('-reviewed_at', '-pk'),
            },
        ),
        migrations.CreateModel(
            name='Revision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('content', models.JSONField(help_text="The article's fields and its sections in order, as articles.drafts writes them.")),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('published_at', models.DateTimeField(blank=True, help_text='Set on the revisions that were published.', null=True)),
                ('note', models.CharField(blank=True, help_text="What changed, in the publisher's words.", max_length=300)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='articles.article')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ('-created_at', '-pk'),
            },
        ),
        migrations.CreateModel(
            name='Section',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.UUIDField(default=uuid.uuid4, editable=False, help_text='Names the section across its draft, its published copy and every revision.')),
                ('position', models.PositiveIntegerField(default=0, help_text='Sections are shown in ascending order.')),
                ('heading', models.CharField(max_length=200)),
                ('anchor', models.SlugField(blank=True, help_text='The #fragment that links to this section. Made from the heading when left empty, then kept when the heading changes, so that links to it keep working. Names the page uses itself, such as “comments”, are not available.', max_length=100)),
                ('body', models.TextField(blank=True, help_text="Markdown: a blank line between paragraphs; **bold**, *italic*; “- ” for a list item, “1. ” for a numbered one (indent two spaces to nest); “### ” or “#### ” for a sub-heading; [text](https://…) for a link (https://, http://, mailto:, or /… for a page of this site); “> ” for a quotation; | pipes | for a table; “> [!WARNING]” on its own line, followed by “> ” lines, for urgent safety text. HTML, images, code, horizontal lines and “#” or “##” headings (the page's own) are refused with a note of what to write instead.")),
                ('body_html', models.TextField(blank=True, editable=False)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='articles.article')),
            ],
            options={
                'ordering': ('article', 'position', 'pk'),
            },
        ),
        migrations.CreateModel(
            name='Draft',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='draft', serialize=False, to='articles.article')),
                ('title', models.CharField(max_length=200)),
                ('slug', models.SlugField(max_length=100)),
                ('summary', models.CharField(max_length=300)),
                ('is_published', models.BooleanField(default=True, verbose_name='visible to readers')),
                ('disclaimer', models.TextField()),
                ('changed_since', models.DateTimeField(blank=True, help_text='When the draft first differed from the published article; empty when it does not.', null=True)),
                ('changed_by', models.ForeignKey(blank=True, help_text='Who last changed the draft while it had unpublished changes.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('revision', models.ForeignKey(help_text="The revision this draft's content equals: a save based on another one is refused.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='articles.revision')),
            ],
        ),
        migrations.AddIndex(
            model_name='revision',
            index=models.Index(fields=['article', '-created_at'], name='revision_article_recent'),
        ),
        migrations.AddConstraint(
            model_name='section',
            constraint=models.UniqueConstraint(fields=('article', 'anchor'), name='section_anchor_unique_in_article'),
        ),
    ]
