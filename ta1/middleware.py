import logging
import re
import time
import uuid

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict

from . import db, views
from .logging import request_id

logger = logging.getLogger(__name__)
access_log = logging.getLogger("ta1.access")


class RequestLogMiddleware:
    """Give each request an id, name it in every log line written while the
    request is served (ta1.logging.RequestIdFilter) and return it as
    X-Request-ID; then log one access line (ACCESS_LOG). First in MIDDLEWARE,
    so that the shared page and static files are counted too.

    The id a proxy sends is kept, so that its log and the app's can be
    matched. It is logged and sent back, so anything but a short token of
    visible ASCII is replaced by a new one."""

    SENT_ID = re.compile(r"[!-~]{1,200}")

    def __init__(self, get_response):
        self.get_response = get_response
        self.log = settings.ACCESS_LOG

    def __call__(self, request):
        started = time.perf_counter()
        sent = request.META.get("HTTP_X_REQUEST_ID", "")
        current = sent if self.SENT_ID.fullmatch(sent) else uuid.uuid4().hex
        # Until the response is closed (ta1.apps), not just until it leaves
        # here: Django logs "Not Found" and the like after every middleware.
        request_id.set(current)
        response = self.get_response(request)
        response["X-Request-ID"] = current
        if self.log:
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                },
            )
        return response


class PermissionsPolicyMiddleware:
    """Switch off browser features the site never uses, so that nothing it
    serves (or anything injected into it) can ask a reader for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.policy)
        return response


class ContentSecurityPolicyMiddleware:
    """The policy in settings.CONTENT_SECURITY_POLICY, as django-csp writes
    it, on every response. Nothing on the site uses a nonce or changes the
    policy for one view, so the header is the same for every response and is
    built once: django-csp's own middleware builds it afresh for each one,
    which was a large share of the server's time for a cached article page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            header: policy
            for header, policy in (
                (HEADER, build_policy()),
                (HEADER_REPORT_ONLY, build_policy(report_only=True)),
            )
            if policy
        }

    def __call__(self, request):
        response = self.get_response(request)
        # Django's technical 404 and 500 pages style themselves inline.
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        for header, policy in self.headers.items():
            response.setdefault(header, policy)
        return response


class UnreadableRequestMiddleware:
    """Read the query string and a form's body once, up front. Input that
    cannot be read (a charset other than UTF-8, too many fields, a broken
    multipart body) answers the site's 400 page here. Left to the view, the
    error path reads the same input again: Django's CSRF failure and the
    error report mailed to ADMINS both do, fail a second time, and turn a
    client's mistake into a bare 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.GET  # noqa: B018 (parsing is the point)
            if request.method == "POST":
                request.POST  # noqa: B018
        except (BadRequest, SuspiciousOperation, MultiPartParserError, UnreadablePostError) as exc:
            # Nothing after this may try to parse it again.
            request.GET = QueryDict()
            request._post, request._files = QueryDict(), MultiValueDict()
            return views.bad_request(request, exc)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A database that cannot take a write (disk full, read-only, down)
    answers 503 with Retry-After instead of a 500; a reader who was sending
    a comment gets the form back with their text in it."""

    RETRY_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not db.cannot_write(exception):
            return None
        logger.error("The database cannot take writes", exc_info=exception, extra={"request": request})
        response = views.database_unavailable(request)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
