import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    # A key of its own for each probe: probes from several app processes
    # sharing one cache must not read each other's values.
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return the value just stored")
    finally:
        cache.delete(key)


@never_cache
@require_safe
def healthz(request):
    """For load balancers and container healthchecks: 200 when the database
    and the cache both answer, 503 otherwise, so traffic moves elsewhere."""
    results = {}
    for name, check in (("database", check_database), ("cache", check_cache)):
        try:
            check()
        except Exception:
            logger.exception("Health check failed: %s", name)
            results[name] = "error"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse(results, status=200 if healthy else 503)


def csrf_failure(request, reason=""):
    """Django's own page for a refused form is unstyled and uses an inline
    style the Content-Security-Policy blocks; this one explains what to do
    and gives back a comment's text, so the reader loses nothing."""
    return render(request, "403_csrf.html", {"body": request.POST.get("body", "")}, status=403)
