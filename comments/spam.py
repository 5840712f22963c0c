"""Defences that never show a reader an error: a signed form timestamp, a
honeypot, link and blocklist rules (all of which hold a comment as spam for a
moderator to review), and a per-address rate limit kept in the shared cache."""

import hashlib
import ipaddress
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import text
from .models import Comment

TOKEN_SALT = "comments.form-timestamp"


def form_token(article, issued_at=None):
    """A value only this server can make, binding the form to its article and the time it was served."""
    issued_at = time.time() if issued_at is None else issued_at
    return signing.dumps([article.pk, issued_at], salt=TOKEN_SALT)


def token_age(token, article):
    """Seconds since the form was served, or None if the token is missing, forged or for another article."""
    try:
        article_pk, issued_at = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if article_pk != article.pk or not isinstance(issued_at, (int, float)):
        return None
    return time.time() - issued_at


# The kinds of reason spam_reasons() gives: a label and a phrase every message
# of that kind contains, so that moderators can filter the queue by kind.
REASON_KINDS = {
    "honeypot": ("Honeypot filled in", "hidden honeypot field"),
    "token": ("Missing or invalid form timestamp", "signed timestamp"),
    "fast": ("Sent too fast", "seconds after the form was served"),
    "stale": ("Form too old", "Sent from a form served more than"),
    "links": ("Too many links", " links (the limit"),
    "blocklist": ("Blocklisted words", "Matches the blocklist"),
}


def _blocklist_pattern():
    words = [re.escape(word) for word in settings.COMMENTS_BLOCKLIST]
    return re.compile(rf"(?<!\w)(?:{'|'.join(words)})(?!\w)", re.IGNORECASE) if words else None


def spam_reasons(*, name, email, body, honeypot, token_age):
    reasons = []
    if honeypot:
        reasons.append("The hidden honeypot field was filled in.")
    if token_age is None:
        reasons.append("The form's signed timestamp was missing or invalid.")
    elif token_age < settings.COMMENTS_MIN_SECONDS:
        reasons.append(
            f"Sent {token_age:.1f} seconds after the form was served (minimum {settings.COMMENTS_MIN_SECONDS})."
        )
    elif token_age > settings.COMMENTS_MAX_AGE:
        reasons.append(f"Sent from a form served more than {settings.COMMENTS_MAX_AGE} seconds earlier.")
    links = text.count_links(body)
    if links >= settings.COMMENTS_LINK_LIMIT:
        reasons.append(f"Contains {links} links (the limit is fewer than {settings.COMMENTS_LINK_LIMIT}).")
    pattern = _blocklist_pattern()
    if pattern:
        matches = sorted({m.group(0).lower() for field in (name, email, body) for m in pattern.finditer(field)})
        if matches:
            reasons.append(f"Matches the blocklist: {', '.join(matches)}.")
    return reasons


def client_ip(request):
    """REMOTE_ADDR, unless it is a trusted proxy: then the nearest X-Forwarded-For
    address that is not one. Without TRUSTED_PROXIES the header is ignored,
    since any client can send it."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = [ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES]
    if not trusted:
        return remote
    chain = [remote] + [a.strip() for a in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(","))]
    for address in chain:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return remote
        if not any(ip in network for network in trusted):
            return address
    return remote


def ip_hmac(ip):
    return salted_hmac("comments.ip-address", ip, algorithm="sha256").hexdigest() if ip else ""


def over_rate_limit(ip_digest):
    """Count one comment from this address; True once it has sent more than the
    limit in the current window. add() and incr() are atomic in a shared cache
    (Redis), so every worker process sees the same count."""
    key = f"comments:rate:{ip_digest}"
    cache.add(key, 0, timeout=settings.COMMENTS_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this is the first comment of a new one.
        cache.add(key, 1, timeout=settings.COMMENTS_RATE_WINDOW)
        count = 1
    return count > settings.COMMENTS_RATE_LIMIT


def is_duplicate(article, email, body):
    """True if the same text from the same address for the same article arrived
    within the duplicate window: a resubmitted form or a double click. The
    cache key catches two requests racing each other before either is saved."""
    window = settings.COMMENTS_DUPLICATE_WINDOW
    recent = Comment.objects.by_email(email).filter(
        article=article, body=body, created_at__gte=timezone.now() - timedelta(seconds=window)
    )
    if recent.exists():
        return True
    return not cache.add(_submission_key(article, email, body), 1, timeout=window)


def forget_submission(article, email, body):
    """Let a retry through when the submission claimed by is_duplicate() was never stored."""
    cache.delete(_submission_key(article, email, body))


def _submission_key(article, email, body):
    digest = hashlib.sha256(f"{article.pk}\n{text.email_key(email)}\n{body}".encode()).hexdigest()
    return f"comments:submission:{digest}"
