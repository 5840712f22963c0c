from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from comments.views import comment_area

from . import caching

WORDS_PER_MINUTE = 200


def home(request):
    return redirect("articles:detail", slug=settings.HOME_ARTICLE_SLUG)


def article_context(request, article):
    sections = list(article.sections.all())
    words = sum(len(section.body.split()) for section in sections)
    return {
        "article": article,
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        "sections": sections,
        "reading_minutes": max(1, round(words / WORDS_PER_MINUTE)),
        **comment_area(request, article),
    }


@require_safe
def article_detail(request, slug):
    article = caching.published_article(slug)
    if article is None:
        raise Http404("No published article with this address.")
    if messages.get_messages(request):
        # Shown once, to this reader only: rendered for them, never stored.
        response = render(request, caching.TEMPLATE, article_context(request, article))
    else:
        response = caching.cached_response(request, article, article_context)
    # Browsers may keep the page but must ask whether it is current (the
    # ETag answers); shared caches must not keep it at all.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")


def server_error(request):
    # Django renders 500.html without context processors; give the page
    # the one value its header needs, and nothing that could fail again.
    return HttpResponseServerError(loader.render_to_string("500.html", {"site_name": settings.SITE_NAME}))
