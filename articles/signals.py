"""Keep the article page's cache key honest. Every write that changes what the
page shows moves one of the two times the key is made from, whichever path
made it: an admin form, a bulk action, a restored revision, a data-protection
erasure."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from comments.models import Comment, Status

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
    articles = {instance.article_id, getattr(instance, "previous_article_id", None)} - {None}
    Article.objects.filter(pk__in=articles).update(updated_at=timezone.now())


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, created=False, **kwargs):
    # A new comment waits for a moderator, invisible to readers: only an
    # approved one, or a later change of status, alters the page.
    if created and instance.status != Status.APPROVED:
        return
    Article.objects.filter(pk=instance.article_id).update(comments_changed_at=timezone.now())
