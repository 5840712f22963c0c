from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.validators import single_line

from . import text


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"


MODERATE_PERMISSION = "comments.moderate_comment"
REPLY_AS_SITE_PERMISSION = "comments.reply_as_site"
# How the site team's replies are signed and marked on the page.
SITE_TEAM_NAME = "Site team"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def public(self):
        """What readers may see: approved comments on published articles."""
        return self.approved().filter(article__in=Article.objects.published())

    def pending(self):
        return self.filter(status=Status.PENDING)

    def threads(self):
        """The top-level comments readers see: the approved ones, and a removed
        one whose thread still holds approved replies (shown as removed)."""
        return self.filter(parent=None, thread_shown=True)

    def with_shown_replies(self):
        """Each with its approved replies in `shown_replies`, oldest first."""
        # Ordered by thread first, so that SQLite reads each thread's replies
        # from comment_parent_status_created, not every approved comment by date.
        shown = Comment.objects.approved().select_related("in_reply_to").order_by("parent", "created_at", "pk")
        return self.prefetch_related(Prefetch("replies", queryset=shown, to_attr="shown_replies"))

    def earlier_than(self, comment):
        """Those before `comment` in the order comments are shown, oldest first."""
        return self.filter(created_at__lte=comment.created_at).exclude(
            created_at=comment.created_at, pk__gte=comment.pk
        )

    def later_than(self, comment):
        """Those after `comment` in the order comments are shown."""
        return self.filter(created_at__gte=comment.created_at).exclude(
            created_at=comment.created_at, pk__lte=comment.pk
        )

    def by_email(self, email):
        key = text.email_key(email)
        if not key:
            # The site team's replies and erased comments have no address;
            # no one's data-protection request may reach them.
            return self.none()
        return self.filter(email_key=key)

    def with_links(self):
        return self.filter(link_count__gt=0)


class Comment(models.Model):
    NAME_MAX_LENGTH = 80

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # comment_parent_status_created starts with it
        related_name="replies",
        editable=False,
        help_text="The top-level comment this one replies to. Threads are one level deep, and a comment with "
        "replies is never deleted with them: erasing it blanks it instead.",
    )
    in_reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The comment the reader answered: the parent, or a reply in its thread.",
    )
    by_site_team = models.BooleanField(
        "from the site team",
        default=False,
        editable=False,
        help_text="Written by staff as the site: published at once, shown marked, without an email address.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The staff member who wrote a site-team reply.",
    )
    name = models.CharField(
        max_length=NAME_MAX_LENGTH,
        validators=(single_line,),
        help_text="Shown with the comment once it is approved. One line.",
    )
    email = models.EmailField(
        max_length=254,
        blank=True,
        help_text="Never published. Only moderators see it, to answer data-protection requests. "
        "Empty for the site team's replies and for erased comments.",
    )
    body = models.TextField(
        help_text=f"Plain text, at most {text.MAX_LENGTH} characters as a reader counts them; "
        "stored with newlines as LF and surrounding whitespace trimmed."
    )
    email_key = models.CharField(
        max_length=254,
        editable=False,
        help_text="The address normalised and case-folded, set on save: what export, erasure and the duplicate "
        "check match on.",
    )
    body_html = models.TextField(editable=False, blank=True)
    link_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="How many links the text shows readers, set on save."
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        help_text="Only approved comments are shown to readers.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    edited_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a moderator last corrected the text; readers see it marked as edited by the site team.",
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    ip_hmac = models.CharField(
        "IP address (keyed hash)",
        max_length=64,
        blank=True,
        editable=False,
        help_text="The address itself is never stored; the same address always gives the same hash.",
    )
    user_agent = models.CharField(max_length=200, blank=True, editable=False)
    notify_on_publish = models.BooleanField(
        "email me when published", default=False, help_text="The commenter asked for one email when it is approved."
    )
    publication_notice_sent_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set when the mail server accepted that email."
    )
    notify_on_reply = models.BooleanField(
        "email me about replies", default=False, help_text="The commenter asked for one email per published reply."
    )
    reply_notice_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="For a reply: when the mail server accepted the email telling the commenter replied to.",
    )
    spam_reasons = models.TextField(
        "held because",
        blank=True,
        editable=False,
        help_text="Why the comment was held when it arrived, one reason per line: as spam (the honeypot, the "
        "blocklist, a repeat) or, while pending, for a close look (links).",
    )
    approved_in_thread = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="On a top-level comment: how many comments of its thread are approved, itself included. Kept "
        "by counts.py; 0 on replies.",
    )
    thread_shown = models.GeneratedField(
        expression=Q(approved_in_thread__gt=0),
        output_field=models.BooleanField(),
        db_persist=True,
        help_text="On a top-level comment: its thread is on the article's pages.",
    )
    # The emails about the comment (for a reply notice: the reply), which go
    # with it when it is deleted.
    emails = GenericRelation("outbox.OutboundEmail", content_type_field="about_type", object_id_field="about_id")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "pk")
        permissions = (
            ("moderate_comment", "Can moderate comments and see commenters' email addresses"),
            ("reply_as_site", "Can reply to published comments as the site team"),
        )
        indexes = (
            models.Index(fields=("article", "status", "created_at"), name="comment_article_status_created"),
            # The article's pages of threads, read by range from any page's first thread.
            models.Index(
                fields=("article", "created_at", "id"),
                condition=Q(parent=None, thread_shown=True),
                name="comment_shown_threads",
            ),
            # A page's replies, and a thread's count.
            models.Index(fields=("parent", "status", "created_at"), name="comment_parent_status_created"),
            # The moderation queue, oldest first, in one status or in all.
            models.Index(fields=("status", "created_at", "id"), name="comment_status_created"),
            models.Index(fields=("created_at", "id"), name="comment_created"),
            # The rate limit counts one address's recent comments.
            models.Index(fields=("ip_hmac", "created_at"), name="comment_address_created"),
            # Export and erasure find one address's comments; the duplicate check
            # its recent ones, which must not mean reading the whole article's.
            models.Index(fields=("email_key", "created_at"), name="comment_email_created"),
        )
        constraints = (
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), text.MAX_LENGTH), name="comment_body_within_length_limit"
            ),
            # Newlines are stored as LF, so the length above is the reader's count.
            models.CheckConstraint(condition=~models.Q(body__contains="\r"), name="comment_body_newlines_are_lf"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="comment_status_valid"),
            models.CheckConstraint(
                condition=models.Q(by_site_team=False) | models.Q(email=""), name="comment_site_team_has_no_email"
            ),
            # The comment feed is XML, which cannot carry them.
            models.CheckConstraint(
                condition=~models.Q(name__regex=text.CONTROL_CHARACTERS)
                & ~models.Q(email__regex=text.CONTROL_CHARACTERS)
                & ~models.Q(body__regex=text.CONTROL_CHARACTERS),
                name="comment_text_without_control_characters",
            ),
        )

    def __str__(self):
        return f"{self.name} on {self.article}"

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def is_removed(self):
        """Shown as "Comment removed": rejected, marked as spam or erased after others replied."""
        return self.status != Status.APPROVED

    def save(self, *args, **kwargs):
        self.body = text.normalise(self.body)
        self.body_html = text.render(self.body)
        self.email_key = text.email_key(self.email)
        self.link_count = text.count_links(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is None and not self._state.adding:
            # counts.py keeps the thread's count in the database: an instance
            # loaded before its thread last changed must not write back an old one.
            kwargs["update_fields"] = update_fields = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and not field.generated and field.name != "approved_in_thread"
            ]
        if update_fields is not None and {"body", "email"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "body_html", "email_key", "link_count"}
        super().save(*args, **kwargs)


class StatusCount(models.Model):
    """How many of an article's comments hold one status, kept where comments
    change (counts.py), so that the queue's counts read a few rows instead of
    counting every comment."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    count = models.IntegerField(
        default=0,
        help_text="Moved by counts.py in the transaction that changes a comment; counts.recount() counts it afresh.",
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("article", "status"), name="status_count_one_per_article_and_status"),
        )

    def __str__(self):
        return f"{self.get_status_display()} on {self.article}: {self.count}"


class ModerationDecision(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="decisions")
    from_status = models.CharField(max_length=10, choices=Status.choices)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-at", "-pk")

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Correction(models.Model):
    """A moderator's change to a comment's text, with the text as it was before."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="corrections")
    original_body = models.TextField(
        help_text="The text before this correction (the reader's own, for a comment's first). Erased with the comment."
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-at", "-pk")

    def __str__(self):
        return f"Correction of {self.comment}"


class ModeratorNotices(models.Model):
    """A moderator's choice of emails about comments, beyond the notice of
    each comment waiting for review that every moderator gets."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="comment_notices"
    )
    held_spam = models.BooleanField(
        "email me about comments held as spam",
        default=False,
        help_text="One email per comment held as spam (the honeypot, the blocklist, a repeat), saying why it was "
        "held and linking to it in the admin. Sent to the address on your account while it is active and may "
        "moderate comments, and only while the site sends moderators emails.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "moderator's email notices"

    def __str__(self):
        return f"Email notices of {self.user}"
