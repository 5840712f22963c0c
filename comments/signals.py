"""Keep the article page honest: every change to a comment that readers could
see counts its thread again (counts.py) and moves its article's version,
whichever path made it: a bulk action, the change form, a data-protection
erasure."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import versions

from . import counts
from .models import Comment, Status


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, created=False, **kwargs):
    # A new comment waits for a moderator, invisible to readers: only an
    # approved one, or a later change of status, alters the page.
    if created and instance.status != Status.APPROVED:
        return
    with transaction.atomic():
        counts.thread_changed(instance)
        versions.moved(instance.article_id, comments=True)
