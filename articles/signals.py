"""Keep the article page's version honest. Sections are written only by
publishing, which moves the version itself (drafts.publish). An article's own
save moves its update time itself; the version check still has to hear of it.
(comments/signals.py does the same for comments.)"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import versions
from .models import Article


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def article_changed(sender, instance, **kwargs):
    versions.announce()
