"""Writing emails to the outbox, inside the transaction of the event they tell
of, and taking them back. Nothing here talks to a mail server: the sender
(sender.py) does, outside any request."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutboundEmail
from .opt_outs import opted_out


def header_line(value, limit=200):
    """Header text that no content can break: every run of whitespace and
    control characters, line breaks included, becomes one space."""
    cleaned = "".join(" " if ch.isspace() or not ch.isprintable() else ch for ch in str(value))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def enqueue(*, kind, about, to, subject, body, not_before=None):
    """Write one email about the object `about` to the outbox, inside the
    caller's transaction. Returns it, or None when the address has opted out
    or already has a live email of this kind about this object."""
    if not to or opted_out(to):
        return None
    email = OutboundEmail(
        kind=kind,
        about=about,
        to=to,
        subject=header_line(subject),
        body=body,
        due_at=not_before or timezone.now(),
    )
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        return None
    return email


def cancel(*, about, kinds):
    """Take back the unsent emails of these kinds about `about`. Returns how many."""
    return OutboundEmail.objects.unsent().about(about).filter(kind__in=kinds).update(cancelled_at=timezone.now())
