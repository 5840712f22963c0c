"""Unsubscribing: every email carries a link that stops all emails to its
address, without signing in. The list of addresses that unsubscribed, and the
links, hold only a keyed hash of each address."""

import hashlib

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import EmailOptOut, OutboundEmail

# Named when the outbox was part of the comments app; every opt-out and every
# link already sent depends on them, so they stay.
OPT_OUT_SALT = "comments.opt-out"
UNSUBSCRIBE_SALT = "comments.unsubscribe.keyed"
# Links in emails sent before addresses were keyed carry the address's plain
# SHA-256, signed with this salt.
PLAIN_UNSUBSCRIBE_SALT = "comments.unsubscribe"


def keyed(digest, secret=None):
    """An HMAC of an address's plain SHA-256 under a key derived from `secret`
    (SECRET_KEY unless given): without the key no one can find the address
    by hashing guesses, and a list of plain digests can be keyed as it is."""
    return salted_hmac(OPT_OUT_SALT, digest, secret=secret, algorithm="sha256").hexdigest()


def _plain_digest(address):
    return hashlib.sha256(address.strip().casefold().encode()).hexdigest()


def address_hash(address):
    """The address as the opt-out list and unsubscribe links hold it."""
    return keyed(_plain_digest(address))


def address_hashes(address):
    """Every hash the address may be held under: with SECRET_KEY and with each
    key it replaced (SECRET_KEY_FALLBACKS), so rotating the key loses no opt-out."""
    digest = _plain_digest(address)
    return [keyed(digest, secret) for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]


def unsubscribe_url(address):
    token = signing.dumps(address_hash(address), salt=UNSUBSCRIBE_SALT, compress=True)
    return settings.SITE_URL.rstrip("/") + reverse("outbox:unsubscribe", kwargs={"token": token})


def opted_out(address):
    return EmailOptOut.objects.filter(address_hash__in=address_hashes(address)).exists()


def unsubscribe_digest(token):
    """The address hash an unsubscribe token was made for, or None if this
    site did not make it."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        pass
    try:
        return keyed(signing.loads(token, salt=PLAIN_UNSUBSCRIBE_SALT))
    except signing.BadSignature:
        return None


def unsubscribe(digest):
    """Stop every email to the address with this hash, waiting ones included."""
    with transaction.atomic():
        EmailOptOut.objects.get_or_create(address_hash=digest)
        waiting = [email.pk for email in OutboundEmail.objects.unsent() if digest in address_hashes(email.to)]
        OutboundEmail.objects.filter(pk__in=waiting).update(cancelled_at=timezone.now())
