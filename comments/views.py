from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from articles.models import Article

from . import moderation, spam
from .forms import CommentForm
from .models import Comment

THANKS = "Thank you — your comment was received and will appear after review."


def comment_area(request, article):
    """What the article page needs for its comment area: one count and one page of approved comments."""
    paginator = Paginator(article.comments.approved(), settings.COMMENTS_PER_PAGE)
    return {
        "comment_page": paginator.get_page(request.GET.get("page")),
        "comment_form": CommentForm(article=article),
    }


def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if request.method != "POST":
        return redirect(f"{article.get_absolute_url()}#leave-a-comment")
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return render(request, "comments/comment_form_page.html", {"article": article, "form": form}, status=400)
    ip_digest = spam.ip_hmac(spam.client_ip(request))
    if spam.over_rate_limit(ip_digest):
        response = render(
            request,
            "comments/comment_form_page.html",
            {"article": article, "form": form, "rate_limited": True},
            status=429,
        )
        response["Retry-After"] = str(settings.COMMENTS_RATE_WINDOW)
        return response
    email, body = form.cleaned_data["email"], form.cleaned_data["body"]
    if not spam.is_duplicate(article, email, body):
        comment = form.save(commit=False)
        comment.article = article
        comment.ip_hmac = ip_digest
        comment.user_agent = request.META.get("HTTP_USER_AGENT", "")[: Comment._meta.get_field("user_agent").max_length]
        try:
            moderation.receive(comment, spam_reasons=form.spam_reasons())
        except Exception:
            spam.forget_submission(article, email, body)
            raise
    messages.success(request, THANKS)
    return redirect(f"{article.get_absolute_url()}#comments")


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
