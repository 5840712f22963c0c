"""The moderation queue's buttons: a decision and its undo, answered with a
redirect back for a plain form and with JSON for the queue's script; and a
moderator's choice of emails. The comment admin serves them at its own
addresses."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from web.links import safe_next

from . import counts, moderation, notifications
from .forms import ModeratorNoticesForm
from .models import MODERATE_PERMISSION, Comment, ModerationDecision, ModeratorNotices, Status
from .queue import forget_decision, remember_decision

DONE = {
    Status.APPROVED: "Approved",
    Status.REJECTED: "Rejected",
    Status.SPAM: "Marked as spam",
    Status.PENDING: "Put back to pending",
}


@require_POST
def decide(request, object_id):
    """One decision from the queue's or the comment page's buttons."""
    if not request.user.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied
    object_id = unquote(object_id)
    comment = Comment.objects.filter(pk=object_id if object_id.isdigit() else None).first()
    if comment is None:
        raise Http404("No such comment.")
    to = request.POST.get("to")
    if to not in Status.values:
        return HttpResponseBadRequest("Choose a status: approved, rejected, spam or pending.")
    decision = moderation.moderate(comment, to=to, by=request.user)
    remember_decision(request, decision)
    message = decided(comment, to, decision)
    if wants_json(request):
        return JsonResponse(decision_payload(comment, decision, message))
    messages.success(request, message)
    return redirect(safe_next(request, reverse("admin:comments_comment_changelist")))


@require_POST
def undo(request, object_id):
    if not request.user.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied
    decision = (
        ModerationDecision.objects.select_related("comment")
        .filter(
            pk=request.POST.get("decision") if str(request.POST.get("decision", "")).isdigit() else None,
            comment_id=object_id if str(object_id).isdigit() else None,
        )
        .first()
    )
    if decision is None:
        raise Http404("No such decision.")
    try:
        undone = moderation.undo(decision, by=request.user)
    except moderation.CannotUndo as refusal:
        if wants_json(request):
            return JsonResponse({"error": str(refusal)}, status=409)
        messages.error(request, str(refusal))
    else:
        forget_decision(request)
        comment = decision.comment
        message = f"Undone: the comment by {comment.name} is {comment.get_status_display().lower()} again."
        if wants_json(request):
            return JsonResponse(decision_payload(comment, undone, message, undoable=False))
        messages.success(request, message)
    return redirect(safe_next(request, reverse("admin:comments_comment_changelist")))


def decided(comment, to, decision):
    """What a moderator is told after choosing `to` for a comment."""
    if decision:
        return f"{DONE[to]}: the comment by {comment.name}."
    return f"The comment by {comment.name} was already {comment.get_status_display().lower()}."


@require_http_methods(["GET", "HEAD", "POST"])
def email_notices(request, admin_context):
    """A moderator's own choice of emails; `admin_context` dresses the page as the admin's."""
    if not request.user.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied
    notices = ModeratorNotices.objects.filter(user=request.user).first() or ModeratorNotices(user=request.user)
    form = ModeratorNoticesForm(request.POST if request.method == "POST" else None, instance=notices)
    if request.method == "POST" and form.is_valid():
        form.save()
        will = "will" if notices.held_spam else "will not"
        messages.success(request, f"Saved: you {will} be emailed about comments held as spam.")
        # Back to the page by GET, so that reloading it neither posts again nor repeats the message.
        return redirect(request.path)
    context = {
        **admin_context,
        "title": "Your email notices",
        "form": form,
        "sending": notifications.moderators_emailed(),
    }
    return render(request, "admin/comments/comment/email_notices.html", context)


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def decision_payload(comment, decision, message, *, undoable=True):
    counted = counts.by_status()
    return {
        "status": comment.status,
        "status_label": comment.get_status_display(),
        "message": message,
        "decision": decision.pk if decision and undoable else None,
        "undo_url": reverse("admin:comments_comment_undo", args=[comment.pk]),
        "undo_seconds": settings.MODERATION_UNDO_SECONDS if decision and undoable else 0,
        "pending_count": counted[Status.PENDING],
        "status_counts": counted,
    }
