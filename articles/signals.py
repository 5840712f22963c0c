"""Keep the article page's version honest. Every write to a section moves the
article's version, whichever path made it: an admin form, the inline, a
restored revision. An article's own save moves its update time itself; the
version check still has to hear of it. (comments/signals.py does the same for
comments.)"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import versions
from .models import Article, Section


@receiver(pre_save, sender=Section)
def remember_sections_article(sender, instance, **kwargs):
    # A section moved to another article (in the admin, or by restoring a
    # revision) changes the page it left as well as the one it joins.
    instance.previous_article_id = (
        Section.objects.filter(pk=instance.pk).values_list("article_id", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def section_changed(sender, instance, **kwargs):
    for article_id in {instance.article_id, getattr(instance, "previous_article_id", None)} - {None}:
        versions.moved(article_id, content=True)


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def article_changed(sender, instance, **kwargs):
    versions.announce()
