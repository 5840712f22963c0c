from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_safe


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")


def server_error(request):
    # Django renders 500.html without context processors; give the page
    # the one value its header needs, and nothing that could fail again.
    return HttpResponseServerError(loader.render_to_string("500.html", {"site_name": settings.SITE_NAME}))
