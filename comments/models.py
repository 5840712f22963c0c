from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Length, Now
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
VIEW_OUTBOX_PERMISSION = "comments.view_outboundemail"
RETRY_EMAIL_PERMISSION = "comments.retry_outboundemail"
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
        """The top-level comments readers see, oldest first, each with its
        approved replies in `shown_replies`: the approved ones, and a removed
        one whose thread still holds approved replies (shown as removed)."""
        answered = Comment.objects.approved().filter(parent=OuterRef("pk"))
        replies = Prefetch(
            "replies", queryset=Comment.objects.approved().select_related("in_reply_to"), to_attr="shown_replies"
        )
        return self.filter(parent=None).filter(Q(status=Status.APPROVED) | Exists(answered)).prefetch_related(replies)

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
        db_index=True,
        help_text="Only approved comments are shown to readers.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
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
        blank=True, editable=False, help_text="Why the comment was held as spam when it arrived, one reason per line."
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "pk")
        permissions = (
            ("moderate_comment", "Can moderate comments and see commenters' email addresses"),
            ("reply_as_site", "Can reply to published comments as the site team"),
        )
        indexes = (
            models.Index(fields=("article", "status", "created_at"), name="comment_article_status_created"),
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
        if update_fields is not None and {"body", "email"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "body_html", "email_key", "link_count"}
        super().save(*args, **kwargs)


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


class OutboundEmailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at=None, cancelled_at=None, failed_at=None)

    def due(self, now):
        return self.unsent().filter(due_at__lte=now)

    def failed(self):
        """Given up on, and neither sent nor cancelled since."""
        return self.exclude(failed_at=None).filter(sent_at=None, cancelled_at=None)


class OutboundEmail(models.Model):
    """One email in the outbox. It is written in the same transaction as the
    event it tells of, so a crash can lose neither without the other, and the
    sender (comments/outbox.py) takes it from here."""

    class Kind(models.TextChoices):
        MODERATOR_NOTICE = "moderator", "New comment, to a moderator"
        PUBLICATION_NOTICE = "published", "Comment published, to its commenter"
        REPLY_NOTICE = "reply", "New reply, to the commenter replied to"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        related_name="emails",
        help_text="The comment the email is about (for a reply notice: the reply).",
    )
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300, help_text="One line.")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    due_at = models.DateTimeField(
        default=timezone.now,
        help_text="Not sent before this time: the end of a decision's undo window, then the next retry.",
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the mail server accepted it.")
    cancelled_at = models.DateTimeField(
        null=True, blank=True, help_text="The decision it told of was undone, or the address unsubscribed."
    )
    failed_at = models.DateTimeField(null=True, blank=True, help_text="When the sender gave up retrying.")

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = "outgoing email"
        permissions = (("retry_outboundemail", "Can send failed emails again"),)
        indexes = (models.Index(fields=("sent_at", "due_at"), name="outboundemail_sent_due"),)
        constraints = (
            # However often a comment is approved, undone and approved again,
            # one live email of each kind per comment and address.
            models.UniqueConstraint(
                fields=("comment", "kind", "to"),
                condition=models.Q(cancelled_at=None),
                name="outboundemail_once_per_comment",
            ),
        )

    def __str__(self):
        return self.subject


class DeliveryAttempt(models.Model):
    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField(default=timezone.now)
    error = models.TextField(blank=True, help_text="Empty when the mail server accepted the email.")

    class Meta:
        ordering = ("at", "pk")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S}: {self.error or 'accepted'}"


class EmailOptOut(models.Model):
    """An address that asked for no more comment emails. Kept as a keyed hash,
    so the list of people who unsubscribed holds no addresses and no digest
    anyone could match against guessed ones."""

    address_hash = models.CharField(
        max_length=64,
        unique=True,
        help_text="An HMAC of the address's SHA-256 under a key derived from SECRET_KEY, or from one of "
        "SECRET_KEY_FALLBACKS if it was recorded before the key was rotated.",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "email opt-out"

    def __str__(self):
        return f"Opt-out {self.address_hash[:12]}…"


class MailWorkerQuerySet(models.QuerySet):
    def seen_within(self, interval):
        """Seen less than `interval` ago by the database's clock."""
        return self.filter(last_seen__gte=Now() - interval)


class MailWorker(models.Model):
    """A sender (`manage.py send_outbox`) as it last reported itself, so that
    every host can tell whether mail goes out."""

    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField("process id")
    last_seen = models.DateTimeField(
        help_text="By the database's clock. Updated before each pass and after each email; a sender not seen "
        "for a day is forgotten."
    )

    objects = MailWorkerQuerySet.as_manager()

    class Meta:
        ordering = ("-last_seen",)
        constraints = (models.UniqueConstraint(fields=("host", "pid"), name="mailworker_one_row_per_process"),)

    def __str__(self):
        return f"{self.host} (pid {self.pid})"
