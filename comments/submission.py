"""A reader's comment, from the posted form to the database: the whole pipeline
in one place, so the view only turns its outcome into a response.

Validation, then, inside one write transaction: the rate limit, the duplicate
check and storing. The rate limit and the duplicate check read the comments
already stored, and concurrent submissions take turns (spam.serialise), so a
count or a claim can never be lost between processes or to a restart; a
transaction that fails releases its claim with everything else.

The same text from the same address within the duplicate window is answered
by what the request proves. From the browser that sent the first (a signed
cookie names the comments it sent) it lands on that comment's page and
nothing is stored. From anywhere else it is answered exactly as a new comment,
with a receipt of its own, since anyone can type another person's address and
text and must learn nothing of the earlier one; it is stored held as a
duplicate, so moderators see it only among the spam (a double click whose
first answer never reached the browser ends here too).
"""

import enum
from dataclasses import dataclass

from django.conf import settings
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
SENT_COOKIE = "comments_sent"
SENT_SALT = "comments.sent"


class Outcome(enum.Enum):
    RECEIVED = "received"  # stored (pending, perhaps with reasons to look closely, or held as spam)
    REPEATED = "repeated"  # this browser sent the same text from the same address lately; nothing stored
    INVALID = "invalid"  # the form has errors to show; nothing stored
    RATE_LIMITED = "rate_limited"  # too many from this address; nothing stored


@dataclass(frozen=True)
class Submission:
    outcome: Outcome
    form: CommentForm
    # The comment stored, or the earlier one this browser's resubmission repeats.
    comment: Comment | None = None


def submit(*, article, data, client_ip, user_agent, sent_here=()):
    """`sent_here`: the pks of the comments this browser sent (see sent_here())."""
    form = CommentForm(data, article=article)
    if not form.is_valid():
        return Submission(Outcome.INVALID, form)
    email, body = form.cleaned_data["email"], form.cleaned_data["body"]
    ip_digest = spam.ip_hmac(client_ip)
    with transaction.atomic():
        spam.serialise(f"address:{ip_digest}", f"text:{article.pk}:{text.email_key(email)}:{body}")
        now = timezone.now()
        earlier = spam.earlier_copy(article, email, body, now=now)
        if earlier is not None and earlier.pk in sent_here:
            return Submission(Outcome.REPEATED, form, earlier)
        if spam.over_rate_limit(ip_digest, now=now):
            return Submission(Outcome.RATE_LIMITED, form)
        reasons = form.spam_reasons()
        if earlier is not None:
            reasons.append(spam.duplicate_reason(earlier))
        comment = form.save(commit=False)
        comment.article = article
        comment.ip_hmac = ip_digest
        comment.user_agent = user_agent[: Comment._meta.get_field("user_agent").max_length]
        moderation.receive(comment, spam_reasons=reasons, review_reasons=form.review_reasons())
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


def sent_here(request):
    """The comments this browser lately sent to this posting address, as
    {pk: when sent, in seconds}, from the cookie remember_sent() set."""
    try:
        sent = signing.loads(
            request.COOKIES.get(SENT_COOKIE, ""), salt=SENT_SALT, max_age=settings.COMMENTS_DUPLICATE_WINDOW
        )
    except signing.BadSignature:
        return {}
    return dict(sent)


def remember_sent(response, *, request, sent, comment):
    """Add `comment` to those this browser sent (`sent`, from sent_here()),
    dropping any past the duplicate window, in a signed cookie that only the
    posting address gets back and that expires with the window."""
    window = settings.COMMENTS_DUPLICATE_WINDOW
    at = int(comment.created_at.timestamp())
    recent = [(pk, sent_at) for pk, sent_at in sent.items() if sent_at > at - window]
    response.set_cookie(
        SENT_COOKIE,
        signing.dumps([*recent, (comment.pk, at)], salt=SENT_SALT),
        max_age=window,
        path=request.path,
        # As the session cookie: HTTPS only where the site is served over it.
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
