"""Who else has an article's editor open, and since when.

Kept in the database, not the cache: a row per person and article, written
when the editor page loads and when it polls (every PRESENCE_POLL_SECONDS),
so every process sees every editor with or without Redis, and nothing here
waits on Redis when it is down. One small write per open page per poll.
"""

from datetime import timedelta

from django.utils import formats, timezone

from .models import PRESENCE_SECONDS, DraftPresence


def arrived(article, *, user):
    """Record that `user` has the article's editor open now."""
    now = timezone.now()
    presence, created = DraftPresence.objects.get_or_create(
        article=article, user=user, defaults={"since": now, "seen_at": now}
    )
    if not created:
        if presence.seen_at < now - timedelta(seconds=PRESENCE_SECONDS):
            presence.since = now
        presence.seen_at = now
        presence.save(update_fields=("since", "seen_at"))


def others(article, *, user):
    """What to tell `user` about everyone else with the editor open, earliest first."""
    present = DraftPresence.objects.current().filter(article=article).exclude(user=user)
    return [
        f"{presence.user} has had this draft open since {formats.time_format(timezone.localtime(presence.since), 'H:i')}."
        for presence in present.select_related("user").order_by("since", "pk")
    ]
