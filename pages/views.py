from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_safe

from articles import previews, versions
from articles.models import Article
from comments.models import MODERATE_PERMISSION, Comment, Status
from comments.submission import THANKS, received_comment
from web.shortcuts import primary_key_or_404

from .renderer import render_article_page


def home(request):
    return redirect("articles:detail", slug=settings.HOME_ARTICLE_SLUG)


def published_or_404(slug):
    article = versions.published_article(slug)
    if article is None:
        raise Http404("No published article with this address.")
    return article


@require_safe
def article_detail(request, slug):
    return render_article_page(request, published_or_404(slug))


@require_safe
def comment_received(request, slug, receipt):
    """The commenter's own page after sending: the article with a message for
    them. Its address is theirs for a short while; after that it leads to the
    shared page."""
    article = published_or_404(slug)
    comment = received_comment(receipt, article=article)
    if comment is None:
        return redirect(f"{article.get_absolute_url()}#comments")
    # Their comment in place until a moderator decides; one held as spam
    # waits for review too, as far as the reader is told. An approved one is
    # in the list already, and a rejected one is not shown as waiting.
    waiting = comment if comment.status in (Status.PENDING, Status.SPAM) else None
    return render_article_page(request, article, pending_comment=waiting, message=THANKS)


@require_safe
def comment_in_place(request, pk):
    """A moderator's view of a comment readers cannot see, in place on its
    article page (the admin's "View on site"). Anyone else, editors
    included, finds nothing here."""
    if not request.user.has_perm(MODERATE_PERMISSION):
        raise Http404("No such page.")
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if comment.status == Status.APPROVED and comment.article.is_published:
        return redirect(comment.get_absolute_url())
    banner = (
        f"Only moderators see this page. The comment by {comment.name} is "
        f"{comment.get_status_display().lower()}: readers do not see it."
    )
    return render_article_page(request, comment.article, pending_comment=comment, banner=banner)


DRAFT_BANNER = "of the draft: readers see none of these changes until they are published."


@require_safe
def draft_preview(request, object_id):
    """An editor's draft through the article page's own renderer, marked as a
    preview; staff only (the admin's login guards it), never stored."""
    if not request.user.has_perm("articles.change_article"):
        raise PermissionDenied
    article = get_object_or_404(Article, pk=primary_key_or_404(object_id))
    copy, sections = previews.draft_article(article)
    # The way back, and on: Publish only for someone who may publish.
    links = [("Back to the editor", reverse("admin:articles_article_change", args=[article.pk]))]
    if request.user.has_perm("articles.publish_article"):
        links.append(("Publish…", reverse("admin:articles_article_publish", args=[article.pk])))
    banner = format_html(
        "{} {}", DRAFT_BANNER, format_html_join(" ", '<a href="{}">{}</a>', ((url, text) for text, url in links))
    )
    return render_article_page(request, copy, sections=sections, banner=banner)
