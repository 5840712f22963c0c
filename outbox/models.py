from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

VIEW_PERMISSION = "outbox.view_outboundemail"
RETRY_PERMISSION = "outbox.retry_outboundemail"


class OutboundEmailQuerySet(models.QuerySet):
    def about(self, obj):
        return self.filter(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)

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
    sender (outbox/sender.py) takes it from here."""

    kind = models.CharField(
        max_length=10, help_text="What the email tells, in the words of the app that wrote it (see `about`)."
    )
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    about_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("about_type", "about_id")
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300, help_text="One line.")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    due_at = models.DateTimeField(
        default=timezone.now,
        help_text="Not sent before this time: when the app that wrote it says (e.g. a decision's undo window "
        "has closed), then the next retry.",
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the mail server accepted it.")
    cancelled_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The app that wrote it took it back (e.g. a decision was undone), or the address unsubscribed.",
    )
    failed_at = models.DateTimeField(null=True, blank=True, help_text="When the sender gave up retrying.")

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = "outgoing email"
        permissions = (("retry_outboundemail", "Can send failed emails again"),)
        indexes = (models.Index(fields=("sent_at", "due_at"), name="outboundemail_sent_due"),)
        constraints = (
            # However often an event is undone and made again (a comment
            # approved, undone, approved again), one live email of each kind
            # about an object to each address.
            models.UniqueConstraint(
                fields=("about_type", "about_id", "kind", "to"),
                condition=models.Q(cancelled_at=None),
                name="outboundemail_once_per_object",
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
    """An address that asked for no more emails. Kept as a keyed hash, so the
    list of people who unsubscribed holds no addresses and no digest anyone
    could match against guessed ones."""

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
