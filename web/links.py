"""The site's addresses: absolute ones for links that leave the request
(emails, the page's canonical link), and where a form may send a visitor next."""

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def safe_next(request, default):
    """The `next` address the request carries (posted, else in its query
    string) if it is on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default
