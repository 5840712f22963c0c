import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .markup import SUPPORTED_MARKDOWN, MarkupRefused, render_markdown
from .validators import single_line

# Ids the article page uses for itself (see templates/, and the ids crispy
# forms gives a form's fields, their wrappers, errors and hints); a section's
# anchor taking one would break the link to the section or to the comments.
# tests/test_sections.py renders every state of the page to keep this complete.
RESERVED_ANCHORS = frozenset(
    {
        "main",
        "toc-heading",
        "comments",
        "comments-heading",
        "leave-a-comment",
        "comment-form",
        "error-summary",
        "error-summary-title",
    }
)
FIRST_SENTENCE = re.compile(r".*?[.!?](?=\s|$)|.*", re.DOTALL)
RESERVED_ANCHOR_PREFIXES = ("comment-", "id_", "div_id_", "error_", "hint_id_")
NUMBERING_ATTEMPTS = 5
# An open editor page says it is still there this often; one that has not for
# PRESENCE_SECONDS (a closed tab, a sleeping laptop) no longer counts.
PRESENCE_POLL_SECONDS = 30
PRESENCE_SECONDS = 90


def is_reserved_anchor(anchor):
    return anchor in RESERVED_ANCHORS or anchor.startswith(RESERVED_ANCHOR_PREFIXES)


def normalise_newlines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def review_due(self, today):
        """Never reviewed, or the next review's date has come."""
        return self.filter(models.Q(last_reviewed__isnull=True) | models.Q(next_review_due__lte=today))


class Article(models.Model):
    title = models.CharField(
        max_length=200, validators=(single_line,), help_text="One line; also the subject of comment emails."
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="The part of the article's address after /articles/. Changing it breaks links to it.",
    )
    summary = models.CharField(
        max_length=300, help_text="One or two sentences; search engines and link previews show it."
    )
    is_published = models.BooleanField(
        "visible to readers",
        default=True,
        help_text="Untick to take the whole article off the site: readers get “not found” and the sitemap leaves it out.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(
        auto_now=True, help_text="Shown as “Last updated”; set when a draft is published."
    )
    last_reviewed = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set only by “Mark as reviewed”: the day someone with the review permission last checked the "
        "content against the evidence. Shown as “Last reviewed”; editing the content never moves it.",
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Chosen when marking as reviewed (twelve months later unless changed). Shown as “Next review due”; "
        "the admin's home page lists articles whose review is due.",
    )
    disclaimer = models.TextField(
        help_text="Shown set apart after the last section of the article, always visible. Plain text."
    )
    comments_changed_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        help_text="When a published comment last appeared, changed or went away; with the last-updated time "
        "it names the cached copy of the page.",
    )
    comment_count = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="How many of its comments readers see (the approved ones), as the page's heading says. The "
        "comments app keeps it whenever a comment appears or goes away, so no page counts them.",
    )
    thread_count = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="How many threads its pages of comments hold: top-level comments that are approved or have "
        "approved replies. Kept with the comment count.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("title",)
        permissions = (
            ("review_article", "Can mark an article as reviewed"),
            ("publish_article", "Can publish an article's draft"),
        )

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def disclaimer_first_sentence(self):
        """Up to the first full stop (or question or exclamation mark) followed by a space, as written."""
        return FIRST_SENTENCE.match(self.disclaimer).group(0)


class Review(models.Model):
    """One deliberate check of an article against the evidence: the only
    thing that sets the article's review dates (see reviews.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reviews")
    # Kept while the review is: who vouched for a medical page is never lost.
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(help_text="What was checked, and against which evidence. Staff only; readers see the date.")
    next_review_due = models.DateField(
        help_text="Twelve months after the review unless the reviewer chose another day."
    )

    class Meta:
        ordering = ("-reviewed_at", "-pk")

    def __str__(self):
        return f"{self.article} reviewed {self.reviewed_at:%Y-%m-%d}"


class SectionContent(models.Model):
    """What a section says, published (Section) or in the draft (DraftSection)."""

    key = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="Names the section across its draft, its published copy and every revision.",
    )
    position = models.PositiveIntegerField(
        default=0,
        help_text="Sections are shown in ascending order.",
    )
    heading = models.CharField(max_length=200)
    anchor = models.SlugField(
        max_length=100,
        blank=True,
        help_text="The #fragment that links to this section. Made from the heading when left empty, "
        "then kept when the heading changes, so that links to it keep working. "
        "Names the page uses itself, such as “comments”, are not available.",
    )
    body = models.TextField(blank=True, help_text=SUPPORTED_MARKDOWN)
    body_html = models.TextField(editable=False, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.heading

    def clean(self):
        errors = {}
        if self.anchor and is_reserved_anchor(self.anchor):
            errors["anchor"] = "The page already uses this name; choose another anchor."
        try:
            render_markdown(self.body)
        except MarkupRefused as refused:
            errors["body"] = refused.messages
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.anchor:
            self.anchor = self._free_anchor()
        # Browsers send "\r\n" from a text box; stored text, compared between
        # revisions, has one kind of line end.
        self.body = normalise_newlines(self.body)
        # Refuses (raising MarkupRefused) what clean() would have refused.
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def _free_anchor(self):
        base = slugify(self.heading)[:90] or "section"
        if is_reserved_anchor(base):
            # A suffix keeps the heading's words first; a reserved prefix
            # ("comment-policy-section") needs one in front instead.
            base = f"{base}-section" if not is_reserved_anchor(f"{base}-section") else f"section-{base}"
        siblings = type(self).objects.filter(article_id=self.article_id).exclude(pk=self.pk)
        taken = set(siblings.values_list("anchor", flat=True))
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        return anchor


class Section(SectionContent):
    """A published section: what readers get. Only publishing writes it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")

    class Meta:
        ordering = ("article", "position", "pk")
        constraints = [
            models.UniqueConstraint(fields=("article", "anchor"), name="section_anchor_unique_in_article"),
        ]

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"


class DraftSection(SectionContent):
    """A section as editors are changing it; readers never see it until it is published."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="draft_sections")

    class Meta:
        ordering = ("position", "pk")
        verbose_name = "section"
        # Anchors are checked across the whole draft when it is saved (see
        # admin.SectionFormSet) and again when it is published; a database
        # constraint here would refuse two sections swapping anchors in one save.


class Draft(models.Model):
    """The article's own fields as editors are changing them, and where the draft stands."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="draft")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    summary = models.CharField(max_length=300)
    is_published = models.BooleanField("visible to readers", default=True)
    disclaimer = models.TextField()
    revision = models.ForeignKey(
        "Revision",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        help_text="The revision this draft's content equals: a save based on another one is merged with it "
        "(articles.drafts.merge).",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who last changed the draft while it had unpublished changes.",
    )
    changed_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the draft first differed from the published article; empty when it does not.",
    )

    def __str__(self):
        return f"Draft of {self.title}"

    @property
    def has_unpublished_changes(self):
        return self.changed_since is not None


class DraftPresenceQuerySet(models.QuerySet):
    def current(self):
        """Pages still open: seen within PRESENCE_SECONDS."""
        return self.filter(seen_at__gte=timezone.now() - timedelta(seconds=PRESENCE_SECONDS))


class DraftPresence(models.Model):
    """Someone has an article's editor open; the others editing it are told (articles.presence)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(help_text="When they opened the editor, or came back to it after it stopped counting.")
    seen_at = models.DateTimeField(
        help_text="When their page last loaded or asked who else is there (every PRESENCE_POLL_SECONDS while "
        "open); it stops counting PRESENCE_SECONDS later, so a closed tab drops off on its own."
    )

    objects = DraftPresenceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("article", "user"), name="draft_presence_one_per_user")]

    def __str__(self):
        return f"{self.user} in the editor of {self.article_id} since {self.since:%H:%M}"


class RevisionQuerySet(models.QuerySet):
    def publications(self):
        return self.filter(published_at__isnull=False)


class Revision(models.Model):
    """The whole article at one moment: every draft save and every publish keeps one."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(
        editable=False,
        help_text="Counts the article's revisions from 1: how the admin names one. Given on the first save, "
        "one past the article's highest; unique within the article.",
    )
    content = models.JSONField(
        help_text="The article's fields and its sections in order, as articles.drafts writes them."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text="Set on the revisions that were published.")
    note = models.CharField(max_length=300, blank=True, help_text="What changed, in the publisher's words.")

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("article", "-created_at"), name="revision_article_recent")]
        constraints = [models.UniqueConstraint(fields=("article", "number"), name="revision_number_unique_in_article")]

    def __str__(self):
        return f"Revision {self.number} of {self.content['article']['title']}"

    def save(self, *args, **kwargs):
        if self.number is not None:
            return super().save(*args, **kwargs)
        # Two saves at once may read the same highest number: the constraint
        # refuses the second, which takes the next one.
        for attempt in range(NUMBERING_ATTEMPTS):
            highest = Revision.objects.filter(article_id=self.article_id).aggregate(n=models.Max("number"))["n"]
            self.number = (highest or 0) + 1
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if attempt == NUMBERING_ATTEMPTS - 1:
                    raise

    def get_absolute_url(self):
        return reverse("admin:articles_article_revision", args=[self.article_id, self.pk])
