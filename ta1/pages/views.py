from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from articles import versions
from comments.submission import THANKS, received_comment

from .renderer import render_article_page


def home(request):
    return redirect("articles:detail", slug=settings.HOME_ARTICLE_SLUG)


def published_or_404(slug):
    article = versions.published(slug)
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
    if received_comment(receipt, article=article) is None:
        return redirect(f"{article.get_absolute_url()}#comments")
    return render_article_page(request, article, message=THANKS)
