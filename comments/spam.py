"""Defences that need nothing from the page a reader was served: a honeypot
and a blocklist (which hold a comment as spam), a link rule (which only has
a moderator look before it is published, since citing sources is what the
article asks of readers), none of them showing the reader an error, and a
per-address rate limit and duplicate check counted in the database."""

import hashlib
import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils.crypto import salted_hmac

from . import text
from .models import Comment

# The kinds of reason spam_reasons() and review_reasons() give: a label and a
# phrase every message of that kind contains, so that moderators can filter
# the queue by kind.
REASON_KINDS = {
    "honeypot": ("Honeypot filled in", "hidden honeypot field"),
    "links": ("Too many links", " links (the limit"),
    "blocklist": ("Blocklisted words", "Matches the blocklist"),
}


# Letters that look alike, folded to the Latin letter a reader sees, and the
# digits and signs spammers put in place of letters ("v1agra", "c@sino").
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ӏ": "l",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        # Digits and signs
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
    }
)


def for_matching(text):
    """Text as the blocklist compares it: compatibility forms unified
    (fullwidth, ligatures, NFKC), invisible format characters removed
    (zero-width spaces and joiners, soft hyphens), case folded, and
    look-alike letters and digits mapped to the Latin letters they imitate."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(character for character in text if unicodedata.category(character) != "Cf")
    return text.casefold().translate(CONFUSABLES)


def blocklist_matches(*fields):
    """The blocklist entries (as configured) that appear as whole words in any of `fields`."""
    matches = []
    texts = [for_matching(field) for field in fields]
    for entry in settings.COMMENTS_BLOCKLIST:
        pattern = re.compile(rf"(?<!\w){re.escape(for_matching(entry))}(?!\w)")
        if any(pattern.search(text) for text in texts):
            matches.append(entry)
    return sorted(matches, key=str.casefold)


def duplicate_reason(earlier):
    return (
        f"Repeats comment {earlier.pk}: the same text from the same address moments earlier, "
        "from a browser that did not send that one (or whose first answer never arrived)."
    )


def spam_reasons(*, name, email, body, honeypot):
    """Why a comment is held as spam, if it is."""
    reasons = []
    if honeypot:
        reasons.append("The hidden honeypot field was filled in.")
    matches = blocklist_matches(name, email, body)
    if matches:
        reasons.append(f"Matches the blocklist: {', '.join(matches)}.")
    return reasons


def review_reasons(*, body):
    """Why a comment that is not spam needs a moderator's close look."""
    links = text.count_links(body)
    if links >= settings.COMMENTS_LINK_LIMIT:
        return [f"Contains {links} links (the limit is fewer than {settings.COMMENTS_LINK_LIMIT})."]
    return []


def ip_hmac(ip):
    return salted_hmac("comments.ip-address", ip, algorithm="sha256").hexdigest() if ip else ""


def over_rate_limit(ip_digest, *, now):
    """True if this address has already sent as many comments as the window
    allows. Counted in the database, inside the transaction that stores the
    comment (see submission.py), so every process and every restart sees the
    same count and no flood of other requests can reset it."""
    since = now - timedelta(seconds=settings.COMMENTS_RATE_WINDOW)
    recent = Comment.objects.filter(ip_hmac=ip_digest, created_at__gte=since).order_by()
    # Is there a comment at position LIMIT? One row read, never a count of all.
    return recent[settings.COMMENTS_RATE_LIMIT - 1 :].exists()


def earlier_copy(article, email, body, *, now):
    """The comment this one repeats, if the same text from the same address for
    the same article arrived within the duplicate window (a resubmitted form or
    a double click), or None."""
    since = now - timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW)
    return Comment.objects.by_email(email).filter(article=article, body=body, created_at__gte=since).first()


def serialise(*keys):
    """Make concurrent submissions that share any of `keys` take turns until
    the current transaction ends. SQLite needs nothing: its transactions begin
    IMMEDIATE (settings.py), so writers already take turns. PostgreSQL takes a
    transaction-level advisory lock per key."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(keys):
            number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
