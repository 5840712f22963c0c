from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .markup import SUPPORTED_MARKDOWN, MarkupRefused, render_markdown
from .validators import single_line

# Ids the article page uses for itself (see templates/, and the ids crispy
# forms gives a form's fields, their wrappers, errors and hints); a section's
# anchor taking one would break the link to the section or to the comments.
# tests/test_sections.py renders every state of the page to keep this complete.
RESERVED_ANCHORS = frozenset(
    {"main", "toc-heading", "comments", "comments-heading", "leave-a-comment", "comment-form",
     "error-summary", "error-summary-title"}
)
RESERVED_ANCHOR_PREFIXES = ("comment-", "id_", "div_id_", "error_", "hint_id_")


def is_reserved_anchor(anchor):
    return anchor in RESERVED_ANCHORS or anchor.startswith(RESERVED_ANCHOR_PREFIXES)


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
        max_length=100, unique=True, help_text="The article's address: /articles/<slug>/. Changing it breaks links to it."
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
        auto_now=True, help_text="Shown as “Last updated”; set whenever the article or one of its sections is saved."
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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("title",)
        permissions = (("review_article", "Can mark an article as reviewed"),)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})


class Review(models.Model):
    """One deliberate check of an article against the evidence: the only
    thing that sets the article's review dates (see reviews.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reviews")
    # Kept while the review is: who vouched for a medical page is never lost.
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(help_text="What was checked, and against which evidence. Staff only; readers see the date.")
    next_review_due = models.DateField(help_text="Twelve months after the review unless the reviewer chose another day.")

    class Meta:
        ordering = ("-reviewed_at", "-pk")

    def __str__(self):
        return f"{self.article} reviewed {self.reviewed_at:%Y-%m-%d}"


class Section(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(
        default=0,
        help_text="Sections are shown in ascending order. Leave gaps (10, 20, 30) so a section can move between two others.",
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

    history = HistoricalRecords(excluded_fields=["body_html"])

    class Meta:
        ordering = ("article", "position", "pk")
        constraints = [
            models.UniqueConstraint(fields=("article", "anchor"), name="section_anchor_unique_in_article"),
        ]

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

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
        # Refuses (raising MarkupRefused) what clean() would have refused.
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def _free_anchor(self):
        base = slugify(self.heading)[:90] or "section"
        if is_reserved_anchor(base):
            # A suffix keeps the heading's words first; a reserved prefix
            # ("comment-policy-section") needs one in front instead.
            base = f"{base}-section" if not is_reserved_anchor(f"{base}-section") else f"section-{base}"
        taken = set(Section.objects.filter(article_id=self.article_id).exclude(pk=self.pk).values_list("anchor", flat=True))
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        return anchor
