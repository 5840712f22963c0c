"""Cross-origin protection for public form posts, without tokens.

The algorithm of Go 1.25's `http.CrossOriginProtection` (also adopted by
ASP.NET Core, tower-http and Phoenix): browsers say where a request comes from
in `Sec-Fetch-Site` (every current browser) or, failing that, `Origin`. A
request that carries neither did not come from a browser, so no reader's
browser can be tricked into sending it. Because nothing secret goes into the
page, every reader can be served the same bytes.

The admin keeps Django's token-based CSRF protection; this guards only the
views it decorates.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings

from .views import csrf_failure

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _origin(value):
    """scheme://host[:port] of an Origin value, lower-cased and without a default
    port, or None if it is not one ("null", garbage)."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path or parts.query or parts.fragment:
        return None
    netloc = parts.netloc.lower()
    if port == {"http": 80, "https": 443}[parts.scheme]:
        netloc = netloc.rsplit(":", 1)[0]
    return f"{parts.scheme}://{netloc}"


def is_cross_origin(request):
    """True if a browser sent this request from another origin."""
    if request.method in SAFE_METHODS:
        return False
    site = request.headers.get("Sec-Fetch-Site", "")
    if site in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin", "")
    if site:
        return not _trusted(origin)
    if not origin:
        # Neither header: not a browser, or one too old to send either.
        return False
    # The request's own origin, its scheme from the trusted proxy setting (SECURE_PROXY_SSL_HEADER).
    own = _origin(f"{request.scheme}://{request.get_host()}")
    return _origin(origin) != own and not _trusted(origin)


def _trusted(origin):
    return bool(origin) and _origin(origin) in {_origin(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS}


def cross_origin_protection(view):
    """Refuse (403) a state-changing request another site's page made a browser send.

    The view is exempt from Django's token check, which this replaces."""

    @functools.wraps(view)
    def protected(request, *args, **kwargs):
        if is_cross_origin(request):
            return csrf_failure(request, reason="Cross-origin request refused.")
        return view(request, *args, **kwargs)

    protected.csrf_exempt = True
    return protected
