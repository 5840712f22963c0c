from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from web.responses import private

from . import opt_outs


# RFC 8058: a mail client sends the one-click unsubscribe as a POST without
# cookies or a form token; the signed link itself is the proof. A GET only
# shows the button, so a link scanner opening it unsubscribes no one.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    digest = opt_outs.unsubscribe_digest(token)
    if digest is None:
        response = render(request, "outbox/unsubscribe.html", {"invalid": True}, status=404)
    elif request.method == "POST":
        opt_outs.unsubscribe(digest)
        response = render(request, "outbox/unsubscribe.html", {"done": True})
    else:
        response = render(request, "outbox/unsubscribe.html", {})
    return private(response)
