import functools
import re

from django.urls import reverse

from articles import versions

from .shared import shared_or_none

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@functools.cache
def article_path():
    """The article URL's text before and after the slug."""
    prefix, _, suffix = reverse("articles:detail", kwargs={"slug": "slug"}).rpartition("slug")
    return prefix, suffix


class SharedPageMiddleware:
    """Serve the shared article page right after the security headers and
    static files, as whitenoise does for files: a GET or HEAD for it skips
    sessions, authentication, CSRF and the URL resolver, which it does not
    need, since everyone (signed-in staff too) gets the same bytes. Anything
    else, and anything this cannot answer (a redirect, a 404), goes on to
    the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            prefix, suffix = article_path()
            path = request.path_info
            if path.startswith(prefix) and path.endswith(suffix):
                slug = path[len(prefix) : len(path) - len(suffix)]
                if SLUG.fullmatch(slug):
                    request.get_host()  # refuses a Host not in ALLOWED_HOSTS, as the rest of the stack would
                    article = versions.published_article(slug)
                    response = None if article is None else shared_or_none(request, article)
                    if response is not None:
                        return response
        return self.get_response(request)
