import logging
import secrets
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article
from comments.forms import CommentForm
from outbox import sender

from . import db

logger = logging.getLogger(__name__)


def check_database():
    # Starting a write (rolled back) proves the database answers too.
    db.check_writable()


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
    answers and can take writes (on SQLite, also with room left on its disk)
    and the cache answers, 503 otherwise, so traffic moves elsewhere. The
    answer names each check; the log says why one failed. It also tells how
    mail goes out (mail_worker), which never makes it 503: a web host without
    a sender beside it is as able to serve."""
    checks = {"database": check_database}
    directory = db.database_directory()
    if directory is not None:
        checks["disk"] = partial(db.check_free_space, directory)
    checks["cache"] = check_cache
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception:
            logger.exception("Health check failed: %s", name)
            results[name] = "error"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    try:
        results["mail_worker"] = sender.status()
    except Exception:
        logger.exception("Health check could not read the mail worker's status")
        results["mail_worker"] = "error"
    return JsonResponse(results, status=200 if healthy else 503)


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")


def bad_request(request, exception=None):
    # Rendered without context processors, like the 500 page: the request
    # itself is what could not be read.
    return HttpResponseBadRequest(loader.render_to_string("400.html", {"site_name": settings.SITE_NAME}))


def server_error(request):
    # Django renders 500.html without context processors; give the page
    # the one value its header needs, and nothing that could fail again.
    return HttpResponseServerError(loader.render_to_string("500.html", {"site_name": settings.SITE_NAME}))


def database_unavailable(request):
    """The 503 page for a write the database refused. A comment comes back
    on its form, ready to send again; any other form's text is shown to copy."""
    match = request.resolver_match
    if match and match.view_name == "comments:post" and request.method == "POST":
        try:
            article = Article.objects.published().get(slug=match.kwargs["slug"])
        except (Article.DoesNotExist, DatabaseError):
            pass
        else:
            context = {"article": article, "form": CommentForm(request.POST, article=article), "unavailable": True}
            return render(request, "comments/comment_form_page.html", context, status=503)
    return render(request, "503.html", {"body": request.POST.get("body", "")}, status=503)
