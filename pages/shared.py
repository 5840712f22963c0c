"""The shared article page: one document per published version and comment page.

The page carries nothing particular to a visitor (no CSRF token, no form
timestamp, no message), so every reader of a version gets the same bytes, and
no response sets a cookie or varies on one. Each page is rendered once per
version, compressed once per encoding (gzip and Brotli), kept in this
process and in the cache (shared by every process with Redis), and named by an
ETag made from its version, so any client or shared cache that revalidates gets
a 304.

The key names the release, the article's version (articles/versions.py) and
the comment page: never stale, and only canonical page numbers in range are
ever stored, so no request can put one page under another's key.
"""

import gzip
import hashlib
import re
import sysconfig
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import brotli
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import InvalidPage
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
)

from articles import versions
from web.codings import IDENTITY, preferred_codings
from web.redis_outage import outage

from .context import comment_paginator, page_context, render_page

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
LOCAL_PAGES = 64


def _release():
    """Changes with the release (settings.RELEASE), the static files' hashed
    names and the settings the page depends on, so that after a deployment no
    process serves a page rendered by the previous release (linking static
    files that no longer exist) from a shared cache.

    Without RELEASE, every file of the project's own installed apps and of
    the template folders names the release: an app or a folder added later is
    among them without being named here."""
    digest = hashlib.sha256(
        f"{settings.SITE_NAME}|{settings.SITE_URL}|{settings.COMMENTS_PER_PAGE}|{settings.COMMENTS_EMAILS}".encode()
    )
    if settings.RELEASE:
        digest.update(f"|{settings.RELEASE}".encode())
    else:
        project = settings.BASE_DIR.resolve()
        # The project's own apps, not the libraries installed beside them: a
        # deployment that upgrades one whose templates the page uses sets RELEASE.
        libraries = {Path(sysconfig.get_path(name)).resolve() for name in ("purelib", "platlib")}
        folders = [Path(app.path).resolve() for app in apps.get_app_configs()]
        folders = [
            path
            for path in folders
            if path.is_relative_to(project) and not any(path.is_relative_to(library) for library in libraries)
        ]
        folders += [Path(folder).resolve() for engine in settings.TEMPLATES for folder in engine.get("DIRS", ())]
        files = {path for folder in folders for path in folder.rglob("*") if path.is_file()}
        for path in sorted(path for path in files if "__pycache__" not in path.parts):
            digest.update(f"|{path.relative_to(project) if path.is_relative_to(project) else path}|".encode())
            digest.update(path.read_bytes())
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


RELEASE = _release()


@dataclass
class Page:
    etag: str
    body: bytes
    # Filled in the first time a reader accepts the encoding; None until then,
    # b"" if compressing would not make it smaller.
    gzip: bytes | None = None
    br: bytes | None = None


# In the server's order of preference among codings a client weighs alike: the smaller first.
COMPRESSORS = {
    "br": lambda body: brotli.compress(body, mode=brotli.MODE_TEXT),
    "gzip": lambda body: gzip.compress(body, compresslevel=9, mtime=0),
}


class NotCanonical(Exception):
    """The query string names the newest page by its number: answer with the bare URL."""


def requested_page(request, article):
    """The comment page a request names: the newest without `page`; an older
    one by a plain positive integer; other parameters (utm_*, fbclid, …) are
    ignored. Pages are numbered from the oldest, so an older page keeps its
    number while newer comments arrive."""
    values = request.GET.getlist("page")
    newest = comment_paginator(article).num_pages
    if not values:
        return newest
    if len(values) > 1 or not PAGE_NUMBER.fullmatch(values[0]):
        raise Http404("No such page of comments.")
    if int(values[0]) == newest:
        raise NotCanonical
    return int(values[0])


class LocalPages:
    """The pages this process served last; a version's page never changes, so they are never stale."""

    def __init__(self, size):
        self.size = size
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        return self.pages.get(key)

    def put(self, key, page):
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


local_pages = LocalPages(LOCAL_PAGES)


def page_key(article, number):
    return f"article-page:{RELEASE}:{versions.version(article)}:{number}"


def _keep(key, page):
    """Share the page with every process if the cache takes it; if not, the cost is another render."""
    outage.attempt("keep a page in the cache", cache.set, key, page, settings.PAGE_CACHE_SECONDS)


def stored_page(article, number, key):
    """The page for this version and comment page (`key`), rendered at most once; None if out of range."""
    page = local_pages.get(key)
    if page is None:
        page = outage.attempt("read a page from the cache", cache.get, key)
        if page is None:
            paginator = comment_paginator(article)
            try:
                comment_page = paginator.page(number)
            except InvalidPage:
                return None
            body = render_page(page_context(article, comment_page))
            page = Page(etag=hashlib.sha256(key.encode()).hexdigest()[:32], body=body)
            _keep(key, page)
        local_pages.put(key, page)
    return page


def _encoded(page, key, request):
    """(body, encoding) for what the client accepts, compressing once per version."""
    for name in preferred_codings(request.headers.get("Accept-Encoding", ""), (*COMPRESSORS, IDENTITY)):
        if name == IDENTITY:
            break
        body = getattr(page, name)
        if body is None:
            compressed = COMPRESSORS[name](page.body)
            body = compressed if len(compressed) < len(page.body) else b""
            setattr(page, name, body)
            _keep(key, page)
        if body:
            return body, name
    return page.body, None


def cache_control():
    """Browsers revalidate every time (max-age=0), with the ETag. A shared
    cache (nginx in front, a CDN) may answer on its own for
    SHARED_CACHE_SECONDS; for as long again it may answer with that copy while
    it fetches the next one in the background, so that no reader waits for the
    app at a refresh. After that it must ask: no copy it serves is older than
    twice the setting."""
    seconds = settings.SHARED_CACHE_SECONDS
    return f"public, max-age=0, s-maxage={seconds}, stale-while-revalidate={seconds}"


def respond(request, key, page):
    body, encoding = _encoded(page, key, request)
    etag = f'"{page.etag}-{encoding}"' if encoding else f'"{page.etag}"'
    # Any encoding of this version is the same page: confirm whichever the client kept.
    if page.etag in request.META.get("HTTP_IF_NONE_MATCH", "") or request.META.get("HTTP_IF_NONE_MATCH") == "*":
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(b"" if request.method == "HEAD" else body, content_type="text/html; charset=utf-8")
        response["Content-Length"] = str(len(body))
        if encoding:
            response["Content-Encoding"] = encoding
    response["ETag"] = etag
    response["Cache-Control"] = cache_control()
    response["Vary"] = "Accept-Encoding"
    return response


def shared_or_none(request, article):
    """The shared page's response, or None where the view must answer instead
    (a redirect to the canonical URL, or a 404)."""
    try:
        number = requested_page(request, article)
    except (NotCanonical, Http404):
        return None
    key = page_key(article, number)
    page = stored_page(article, number, key)
    return None if page is None else respond(request, key, page)


def shared_response(request, article):
    try:
        number = requested_page(request, article)
    except NotCanonical:
        # Not permanent: once a newer page begins, this number names an older page.
        return HttpResponseRedirect(article.get_absolute_url())
    key = page_key(article, number)
    page = stored_page(article, number, key)
    if page is None:
        raise Http404("No such page of comments.")
    return respond(request, key, page)
