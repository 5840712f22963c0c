"""The article page, rendered once per version and served from the cache.

The stored page has slots where the two per-visitor values go: the CSRF token
and the comment form's signed timestamp. Every response fills them in for its
own visitor, so a cached page never carries another reader's token. Readers
with a message waiting (the thanks after commenting) get a page rendered just
for them, never stored.

The key is made from the article's last-updated time (moved by every article
and section save or section deletion) and its comments-changed time (moved by
every change to a published comment; see signals.py), with its review dates
(moved only by a review; see reviews.py), all read with the
article itself: one query for a warm page, and every app process sees a change
at its next request whether or not the cache is shared.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import RequestContext, loader
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.crypto import salted_hmac

from comments import spam

from .models import Article

TEMPLATE = "articles/article_detail.html"
_SLUG = "\x00slug"


@functools.cache
def _published_by_slug():
    return Article.objects.published().filter(slug=_SLUG).order_by().query.sql_with_params()


def published_article(slug):
    """The published article with this slug, or None. The query is built by
    the ORM from published() once per process and reused: building it costs
    three times what running it does, and on a warm page it is the only query."""
    sql, params = _published_by_slug()
    return next(iter(Article.objects.raw(sql, [slug if param == _SLUG else param for param in params])), None)


def _slot(name):
    # Derived from SECRET_KEY, so no text an editor or reader writes can
    # contain it and be filled in with a visitor's token.
    return f"slot-{salted_hmac('articles.page-slot', name).hexdigest()[:32]}"


CSRF_SLOT = _slot("csrf")
FORM_TOKEN_SLOT = _slot("form-token")


def _release():
    """Changes with the code, the templates, the static files' hashed names
    and the settings the page depends on, so that after a deployment no
    process serves a page rendered by the previous release (linking static
    files that no longer exist) from a shared cache."""
    digest = hashlib.sha256(f"{settings.SITE_NAME}|{settings.COMMENTS_PER_PAGE}".encode())
    sources = [settings.BASE_DIR / name for name in ("articles", "comments", "ta1", "templates")]
    for path in sorted(p for source in sources for p in source.rglob("*") if p.suffix in {".py", ".html", ".txt"}):
        digest.update(path.read_bytes())
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


RELEASE = _release()


def page_key(request, article, page):
    # A review changes the dates readers see without changing the content.
    version = (
        f"{article.updated_at.timestamp()}-{article.comments_changed_at.timestamp()}"
        f"-{article.last_reviewed}-{article.next_review_due}"
    )
    # The page's canonical and Open Graph URLs name the scheme and host.
    origin = f"{request.scheme}://{request.get_host()}"
    return f"article-page:{RELEASE}:{article.pk}:{version}:{origin}:{page}"


def render_with_slots(request, context):
    context["comment_form"].fields["timestamp"].initial = FORM_TOKEN_SLOT
    context = RequestContext(request, context)
    # Pushed after the context processors' values, so these win over them.
    context.update({"csrf_token": CSRF_SLOT, "messages": ()})
    return loader.get_template(TEMPLATE).template.render(context).encode()


def fill_slots(page, request, article):
    return page.replace(CSRF_SLOT.encode(), get_token(request).encode()).replace(
        FORM_TOKEN_SLOT.encode(), spam.form_token(article).encode()
    )


def etag(key, request):
    """Specific to the version and to this visitor's CSRF secret: a page kept
    by one browser is never confirmed as current to another, whose token
    would differ. The hour keeps a revalidated page's form timestamp well
    within the age a comment form may have."""
    window = max(1, min(3600, settings.COMMENTS_MAX_AGE // 2))
    visitor = request.META.get("CSRF_COOKIE", "")
    return '"%s"' % salted_hmac("articles.page-etag", f"{key}|{visitor}|{int(time.time() // window)}").hexdigest()[:32]


def cached_response(request, article, make_context):
    page = request.GET.get("page", "")
    if not (page.isascii() and page.isdigit() and len(page) <= 6):
        # Shows the first page, as no page number does.
        page = ""
    key = page_key(request, article, page)
    body = cache.get(key)
    if body is None:
        context = make_context(request, article)
        body = render_with_slots(request, context)
        # A number past the end shows the last page, stored under its own
        # number; keeping a copy for every such number would let anyone
        # fill the cache.
        if page in ("", str(context["comment_page"].number)):
            cache.set(key, body, settings.PAGE_CACHE_SECONDS)
    response = HttpResponse(fill_slots(body, request, article))
    # After fill_slots(), which gives a first-time visitor a CSRF secret.
    response["ETag"] = etag(key, request)
    patch_vary_headers(response, ["Cookie"])
    return get_conditional_response(request, etag=response["ETag"], response=response)
