from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_GET

from .models import Article

WORDS_PER_MINUTE = 200


def home(request):
    return redirect("articles:detail", slug=settings.HOME_ARTICLE_SLUG)


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    sections = list(article.sections.all())
    words = sum(len(section.body.split()) for section in sections)
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
            "sections": sections,
            "reading_minutes": max(1, round(words / WORDS_PER_MINUTE)),
        },
    )


@require_GET
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")


def server_error(request):
    # Django renders 500.html without context processors; give the page
    # the one value its header needs, and nothing that could fail again.
    return HttpResponseServerError(loader.render_to_string("500.html", {"site_name": settings.SITE_NAME}))
