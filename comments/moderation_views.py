"""The moderation queue's buttons: a decision and its undo, answered with a
redirect back for a plain form and with JSON for the queue's script; and a
moderator's choice of emails. The comment admin serves them at its own
addresses, to moderators only."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from web.links import safe_next

from . import counts, moderation, notifications
from .forms import ModeratorNoticesForm
from .models import Comment, ModerationDecision, ModeratorNotices, Status
from .queue import DONE, forget_decisions, how_many, remember_decisions


@require_POST
def decide(request, object_id):
    """One decision from the queue's buttons."""
    object_id = unquote(object_id)
    comment = Comment.objects.filter(pk=object_id if object_id.isdigit() else None).first()
    if comment is None:
        raise Http404("No such comment.")
    to = request.POST.get("to")
    if to not in Status.values:
        return HttpResponseBadRequest("Choose a status: approved, rejected, spam or pending.")
    decision = moderation.moderate(comment, to=to, by=request.user)
    message = decided(comment, to, decision)
    # The next page's undo offer tells of a decision made; a message as well
    # would say it twice.
    remember_decisions(request, [decision] if decision else [], message, shown=wants_json(request))
    if wants_json(request):
        return JsonResponse(decision_payload(comment, decision, message))
    if decision is None:
        messages.info(request, message)
    return redirect(safe_next(request, reverse("admin:comments_comment_changelist")))


@require_POST
def undo(request, object_id):
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
        forget_decisions(request)
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


@require_POST
def undo_many(request):
    """The undo offered after a bulk action: exactly the decisions it made."""
    ids = [pk for pk in request.POST.getlist("decision") if pk.isdigit()]
    decisions = ModerationDecision.objects.select_related("comment").filter(pk__in=ids).order_by("pk")
    if not decisions:
        raise Http404("No such decisions.")
    undone, refused = moderation.undo_many(decisions, by=request.user)
    forget_decisions(request)
    if undone:
        messages.success(request, f"Undone: {how_many(len(undone))} back as before.")
    reasons = {}
    for decision, reason in refused:
        reasons.setdefault(reason, []).append(decision.comment.name)
    for reason, names in reasons.items():
        messages.error(request, f"Not undone for {how_many(len(names))} (by {', '.join(names)}): {reason}")
    return redirect(safe_next(request, reverse("admin:comments_comment_changelist")))


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
