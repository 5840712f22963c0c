"""A reader's comment, from the posted form to the database: the whole pipeline
in one place, so the view only turns its outcome into a response.

Validation, then, inside one write transaction: the rate limit, the duplicate
check and storing. The rate limit and the duplicate check read the comments
already stored, and concurrent submissions take turns (spam.serialise), so a
count or a claim can never be lost between processes or to a restart; a
transaction that fails releases its claim with everything else.
"""

import enum
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone

from . import moderation, spam, text
from .forms import CommentForm
from .models import Comment

THANKS = "Thank you — your comment was received and will appear after review."
RECEIPT_SALT = "comments.receipt"
# Long enough to read the page after sending and reload it; short because it
# names the commenter's own comment.
RECEIPT_SECONDS = 3600


class Outcome(enum.Enum):
    RECEIVED = "received"  # stored (pending or held as spam), or a resubmission of one that was
    INVALID = "invalid"  # the form has errors to show; nothing stored
    RATE_LIMITED = "rate_limited"  # too many from this address; nothing stored


@dataclass(frozen=True)
class Submission:
    outcome: Outcome
    form: CommentForm
    # The comment stored, or the earlier one a resubmission repeats.
    comment: Comment | None = None


def submit(*, article, data, client_ip, user_agent):
    form = CommentForm(data, article=article)
    if not form.is_valid():
        return Submission(Outcome.INVALID, form)
    email, body = form.cleaned_data["email"], form.cleaned_data["body"]
    ip_digest = spam.ip_hmac(client_ip)
    with transaction.atomic():
        spam.serialise(f"address:{ip_digest}", f"text:{article.pk}:{text.email_key(email)}:{body}")
        now = timezone.now()
        earlier = spam.earlier_copy(article, email, body, now=now)
        if earlier is not None:
            return Submission(Outcome.RECEIVED, form, earlier)
        if spam.over_rate_limit(ip_digest, now=now):
            return Submission(Outcome.RATE_LIMITED, form)
        comment = form.save(commit=False)
        comment.article = article
        comment.ip_hmac = ip_digest
        comment.user_agent = user_agent[: Comment._meta.get_field("user_agent").max_length]
        moderation.receive(comment, spam_reasons=form.spam_reasons())
    return Submission(Outcome.RECEIVED, form, comment)


def receipt(comment):
    """A short-lived value naming `comment`, for its commenter's own page."""
    return signing.dumps(comment.pk, salt=RECEIPT_SALT, compress=True)


def received_comment(value, *, article):
    """The comment a receipt names, if it is valid, recent and for `article`; else None."""
    try:
        pk = signing.loads(value, salt=RECEIPT_SALT, max_age=RECEIPT_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Comment.objects.filter(pk=pk, article=article).first()
