from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from articles.models import Article
from ta1.cross_origin import cross_origin_protection

from . import outbox, spam
from .models import Comment
from .submission import Outcome, receipt, submit


@cross_origin_protection
def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if request.method != "POST":
        return redirect(f"{article.get_absolute_url()}#leave-a-comment")
    result = submit(
        article=article,
        data=request.POST,
        client_ip=spam.client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    if result.outcome is Outcome.RECEIVED:
        own_page = reverse("articles:comment_received", kwargs={"slug": article.slug, "receipt": receipt(result.comment)})
        return redirect(f"{own_page}#comment-message")
    context = {"article": article, "form": result.form, "rate_limited": result.outcome is Outcome.RATE_LIMITED}
    if result.outcome is Outcome.RATE_LIMITED:
        response = render(request, "comments/comment_form_page.html", context, status=429)
        response["Retry-After"] = str(settings.COMMENTS_RATE_WINDOW)
        return response
    return render(request, "comments/comment_form_page.html", context, status=400)


def comment_permalink(request, pk):
    """An approved comment's lasting address: its page of the article's comments."""
    comment = get_object_or_404(
        Comment.objects.public().select_related("article"), pk=pk
    )
    earlier = comment.article.comments.approved().filter(
        Q(created_at__lt=comment.created_at) | Q(created_at=comment.created_at, pk__lt=comment.pk)
    )
    page = earlier.count() // settings.COMMENTS_PER_PAGE + 1
    query = f"?page={page}" if page > 1 else ""
    return redirect(f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}")


@require_safe
def privacy_notice(request):
    return render(
        request,
        "comments/privacy.html",
        {
            "keep_traces_days": settings.COMMENTS_KEEP_TRACES_DAYS,
            "keep_refused_days": settings.COMMENTS_KEEP_REFUSED_DAYS,
            "contact": settings.PRIVACY_CONTACT,
        },
    )
# RFC 8058: a mail client sends the one-click unsubscribe as a POST without
# cookies or a form token; the signed link itself is the proof. A GET only
# shows the button, so a link scanner opening it unsubscribes no one.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    digest = outbox.unsubscribe_digest(token)
    if digest is None:
        response = render(request, "comments/unsubscribe.html", {"invalid": True}, status=404)
    elif request.method == "POST":
        outbox.unsubscribe(digest)
        response = render(request, "comments/unsubscribe.html", {"done": True})
    else:
        response = render(request, "comments/unsubscribe.html", {})
    response["X-Robots-Tag"] = "noindex"
    add_never_cache_headers(response)
    return response
