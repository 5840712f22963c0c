from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from articles import versions
from web.clients import client_ip
from web.cross_origin import cross_origin_protection
from web.links import safe_next
from web.responses import private

from . import replies
from .forms import CommentForm, SiteReplyForm
from .models import MODERATE_PERMISSION, REPLY_AS_SITE_PERMISSION, Comment, Status
from .moderation_views import decision_payload, wants_json
from .submission import Outcome, receipt, remember_sent, sent_here, submit


@cross_origin_protection
def post_comment(request, slug):
    article = versions.published_article(slug)
    if article is None:
        raise Http404("No published article with this address.")
    if request.method != "POST":
        return redirect(f"{article.get_absolute_url()}#leave-a-comment")
    sent = sent_here(request)
    result = submit(
        article=article,
        data=request.POST,
        client_ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        sent_here=list(sent),
    )
    if result.outcome in (Outcome.RECEIVED, Outcome.REPEATED):
        own_page = reverse(
            "articles:comment_received", kwargs={"slug": article.slug, "receipt": receipt(result.comment)}
        )
        response = redirect(f"{own_page}#comment-message")
        if result.outcome is Outcome.RECEIVED:
            remember_sent(response, request=request, sent=sent, comment=result.comment)
        return response
    context = {**_form_page(article, result.form), "rate_limited": result.outcome is Outcome.RATE_LIMITED}
    if result.outcome is Outcome.RATE_LIMITED:
        response = render(request, "comments/comment_form_page.html", context, status=429)
        response["Retry-After"] = str(settings.COMMENTS_RATE_WINDOW)
        return response
    return render(request, "comments/comment_form_page.html", context, status=400)


def _form_page(article, form):
    return {"article": article, "form": form, "answering": getattr(form, "cleaned_data", {}).get("reply_to")}


def comment_permalink(request, pk):
    """An approved comment's lasting address: the page of the article's
    comments that holds its thread."""
    comment = get_object_or_404(Comment.objects.public().select_related("article", "parent"), pk=pk)
    thread = replies.thread_of(comment)
    page = replies.thread_page(thread)
    # The newest page is the article's bare address; pages are numbered from the oldest.
    newer_pages = comment.article.thread_count > page * settings.COMMENTS_PER_PAGE
    query = f"?page={page}" if newer_pages else ""
    return redirect(f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}")


@require_safe
def privacy_notice(request):
    return render(
        request,
        "comments/privacy.html",
        {
            "keep_traces_days": settings.COMMENTS_KEEP_TRACES_DAYS,
            "keep_refused_days": settings.COMMENTS_KEEP_REFUSED_DAYS,
            "sent_cookie_seconds": settings.COMMENTS_DUPLICATE_WINDOW,
            "contact": settings.PRIVACY_CONTACT,
        },
    )


@require_safe
def reply_page(request, pk):
    """The reader's reply form for one published comment: the same form,
    checks and moderation as any comment, posted to the same address."""
    answering = get_object_or_404(Comment.objects.public().select_related("article", "parent"), pk=pk)
    form = CommentForm(article=answering.article, initial={"reply_to": answering.pk})
    context = {
        "article": answering.article,
        "answering": answering,
        "form": form,
        "can_reply_as_site": request.user.has_perm(REPLY_AS_SITE_PERMISSION),
    }
    return private(render(request, "comments/reply_page.html", context))


PUBLISHED = "Your reply as the site team is published."


@staff_member_required(login_url="admin:login")
@require_http_methods(["GET", "HEAD", "POST"])
def site_reply(request, pk):
    """Staff reply as the site team. Moderators may answer a comment still
    in the queue ("Approve and reply"); others only a published one, so the
    permission to answer shows them nothing of the queue."""
    if not request.user.has_perm(REPLY_AS_SITE_PERMISSION):
        raise PermissionDenied
    moderator = request.user.has_perm(MODERATE_PERMISSION)
    visible = Comment.objects.all() if moderator else Comment.objects.public()
    answering = get_object_or_404(visible.select_related("article", "parent"), pk=pk)
    form = SiteReplyForm(request.POST or None)
    approve_first = request.POST.get("action") == "approve-and-reply"
    error = None
    if request.method == "POST" and form.is_valid():
        if approve_first and moderator:
            reply = replies.approve_and_reply(answering, body=form.cleaned_data["body"], by=request.user)
        elif answering.status == Status.APPROVED:
            reply = replies.reply_as_site(answering, body=form.cleaned_data["body"], by=request.user)
        else:
            reply = None
            error = "This comment is not published, so a reply could not be shown: approve it and reply."
        if reply:
            if wants_json(request):
                return JsonResponse(_published(answering, reply, approved=approve_first and moderator))
            messages.success(request, PUBLISHED)
            return redirect(safe_next(request, reply.get_absolute_url()))
    if request.method == "POST" and wants_json(request):
        errors = [error] if error else form.errors["body"]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    context = {
        "article": answering.article,
        "answering": answering,
        "form": form,
        "can_approve": moderator and answering.status != Status.APPROVED,
        "next": request.GET.get("next", request.POST.get("next", "")),
        "error": error,
    }
    return private(
        render(request, "comments/site_reply.html", context, status=400 if request.method == "POST" else 200)
    )


def _published(answering, reply, *, approved):
    """The queue's answer to a reply sent in place; after an approval, also
    what its decision buttons show for one."""
    if not approved:
        return {"message": PUBLISHED, "reply_url": reply.get_absolute_url()}
    # No undo: taking the approval back would leave the published reply
    # answering a comment readers cannot see.
    message = f"Approved: the comment by {answering.name}. {PUBLISHED}"
    return {**decision_payload(answering, None, message, undoable=False), "reply_url": reply.get_absolute_url()}
