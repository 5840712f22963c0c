import functools
import json
from operator import attrgetter

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse

from web.admin import RecordAdmin

from . import counts, moderation, moderation_views, privacy, spam, text
from .forms import CommentAdminForm, SiteReplyForm
from .models import MODERATE_PERMISSION, REPLY_AS_SITE_PERMISSION, Comment, ModerationDecision, Status
from .queue import DONE, how_many, next_pending_url, remember_decisions


class StatusFilter(admin.SimpleListFilter):
    """Pending by default: the list opens as the moderation queue. A search
    looks through every status unless one is chosen."""

    title = "status"
    parameter_name = "status__exact"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        self.default = self.ALL if request.GET.get(SEARCH_VAR) else Status.PENDING
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return (*Status.choices, (self.ALL, "All"))

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        if value not in Status.values:
            raise IncorrectLookupParameters(f"Unknown status {value!r}.")
        return queryset.filter(status=value)

    def choices(self, changelist):
        # Without Django's own "All" entry, which would lead back to the default.
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class LinksFilter(admin.SimpleListFilter):
    title = "links"
    parameter_name = "links"

    def lookups(self, request, model_admin):
        return (("yes", "Has links"), ("no", "No links"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.with_links()
        if self.value() == "no":
            return queryset.filter(link_count=0)
        return queryset


class SpamReasonFilter(admin.SimpleListFilter):
    title = "held because"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return tuple((kind, label) for kind, (label, _) in spam.REASON_KINDS.items())

    def queryset(self, request, queryset):
        if self.value() in spam.REASON_KINDS:
            return queryset.filter(spam_reasons__contains=spam.REASON_KINDS[self.value()][1])
        return queryset


def _bulk(to):
    def action(modeladmin, request, queryset):
        decisions = [
            decision for comment in queryset if (decision := moderation.moderate(comment, to=to, by=request.user))
        ]
        message = f"{DONE[to]} {how_many(len(decisions))}."
        # With decisions made, the next page's undo offer is the message.
        remember_decisions(request, decisions, message)
        if not decisions:
            modeladmin.message_user(request, message, messages.SUCCESS)

    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    list_filter = (StatusFilter, "article", LinksFilter, SpamReasonFilter)
    search_fields = ("name", "email", "body")
    date_hierarchy = "created_at"
    list_select_related = ("article", "moderated_by")
    list_per_page = 50
    # Counting every comment for "(… total)" costs a scan of all of them on each page of the queue.
    show_full_result_count = False
    # Oldest first, as the queue is worked through.
    ordering = ("created_at", "pk")
    fields = (
        "status",
        "article",
        ("parent", "in_reply_to"),
        ("by_site_team", "author"),
        "name",
        "email",
        "body",
        "created_at",
        ("moderated_at", "moderated_by"),
        "spam_reasons",
        "notify_on_publish",
        "publication_notice_sent_at",
        "notify_on_reply",
        "reply_notice_sent_at",
        "ip_hmac",
        "user_agent",
        "decision_history",
    )
    # Moderators decide the status and may correct the text; everything else
    # is the reader's, kept as sent.
    readonly_fields = tuple(name for name in flatten(fields) if name not in {"status", "body"})
    actions = ("approve", "reject", "mark_spam", "return_to_pending", "export_by_email", "erase_by_email")

    class Media:
        css = {"all": ("css/admin.css",)}
        js = ("js/moderation.js", "js/queue-reply.js")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("undo/", wrap(self.moderators_only(moderation_views.undo_many)), name="comments_comment_undo_many"),
            path(
                "<path:object_id>/decide/",
                wrap(self.moderators_only(moderation_views.decide)),
                name="comments_comment_decide",
            ),
            path(
                "<path:object_id>/undo/",
                wrap(self.moderators_only(moderation_views.undo)),
                name="comments_comment_undo",
            ),
            path(
                "email-notices/", wrap(self.moderators_only(self.email_notices)), name="comments_comment_email_notices"
            ),
            *super().get_urls(),
        ]

    def email_notices(self, request):
        return moderation_views.email_notices(request, self.admin_site.each_context(request))

    def view_on_site(self, comment):
        # Readers' address once published; until then the moderators' own
        # view of it in place, never a 404.
        if comment.status == Status.APPROVED and comment.article.is_published:
            return comment.get_absolute_url()
        return reverse("articles:comment_in_place", args=[comment.pk])

    def has_moderate_permission(self, request):
        return request.user.has_perm(MODERATE_PERMISSION)

    def moderators_only(self, view):
        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            if not self.has_moderate_permission(request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.has_moderate_permission(request)

    def _hide_email(self, request, names):
        return names if self.has_moderate_permission(request) else tuple(name for name in names if name != "email")

    def get_search_fields(self, request):
        return self._hide_email(request, super().get_search_fields(request))

    def get_search_results(self, request, queryset, search_term):
        # The database's case-insensitive search folds ASCII only on SQLite;
        # the folded copy of the address finds GDPR@ÜBER.example too.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip() and self.has_moderate_permission(request):
            found = found | queryset.filter(email_key__contains=text.email_key(search_term))
        return found, may_have_duplicates

    def get_fields(self, request, obj=None):
        return self._hide_email(request, super().get_fields(request, obj))

    @admin.display(description="Decisions")
    def decision_history(self, comment):
        entries = [*comment.decisions.select_related("by"), *comment.corrections.select_related("by")]
        decisions = sorted(entries, key=attrgetter("at"), reverse=True)
        return render_to_string("admin/comments/comment/_decisions.html", {"decisions": decisions})

    def changelist_view(self, request, extra_context=None):
        counted = counts.by_status()
        extra_context = {
            "title": "Comments to moderate",
            # The badge at the top of the page reads the same numbers.
            "counted_by_status": counted,
            "status_counts": [
                (status, Status(status).label, counted[status], f"?{StatusFilter.parameter_name}={status}")
                for status in COUNTED
            ],
            **self.entry_context(request),
            "site_reply_form": SiteReplyForm(),
            "next": request.get_full_path(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def entry_context(self, request):
        return {
            "decisions": DECISIONS,
            "can_moderate": self.has_moderate_permission(request),
            "can_reply_as_site": request.user.has_perm(REPLY_AS_SITE_PERMISSION),
        }

    # The queue's template writes each entry whole (the comment, its
    # buttons): the column only names it for the admin's header and sorting.
    list_display = ("__str__",)
    # The entry links to the comment's page itself; a link around it all
    # would wrap its buttons.
    list_display_links = None

    def save_model(self, request, obj, form, change):
        # The form's changes go through moderation.py, which records them: put
        # the old values back and let correct() and moderate() make them. The
        # text first, so that the notice an approval writes knows of it.
        if change and "body" in form.changed_data:
            new_body, obj.body = obj.body, form.initial["body"]
            moderation.correct(obj, body=new_body, by=request.user)
        # A status chosen on the form, or one of the decision buttons above
        # it, is a moderation decision like any other.
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]
            decide_to = request.POST.get(DECIDE, form.cleaned_data["status"])
        else:
            decide_to = request.POST.get(DECIDE)
        if change and decide_to in Status.values:
            decision = moderation.moderate(obj, to=decide_to, by=request.user)
            message = moderation_views.decided(obj, decide_to, decision)
            remember_decisions(request, [decision] if decision else [], message)
            if decision is None and DECIDE in request.POST:
                self.message_user(request, message, messages.INFO)

    def delete_model(self, request, obj):
        moderation.delete(Comment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        moderation.delete(queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self.entry_context(request), "decide": DECIDE}
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        if "_savenext" in request.POST or DECIDE in request.POST:
            return redirect(next_pending_url(obj))
        return super().response_change(request, obj)

    approve = admin.action(description="Approve selected comments", permissions=("moderate",))(_bulk(Status.APPROVED))
    reject = admin.action(description="Reject selected comments", permissions=("moderate",))(_bulk(Status.REJECTED))
    mark_spam = admin.action(description="Mark selected comments as spam", permissions=("moderate",))(
        _bulk(Status.SPAM)
    )
    return_to_pending = admin.action(description="Put selected comments back to pending", permissions=("moderate",))(
        _bulk(Status.PENDING)
    )

    @admin.action(
        description="Export all comments by these commenters' email addresses (JSON)", permissions=("moderate",)
    )
    def export_by_email(self, request, queryset):
        emails = sorted(set(queryset.values_list("email_key", flat=True)))
        data = {email: privacy.export_comments(email) for email in emails}
        response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="comments-export.json"'
        return response

    @admin.action(description="Erase all comments by these commenters' email addresses", permissions=("moderate",))
    def erase_by_email(self, request, queryset):
        emails = set(queryset.values_list("email_key", flat=True))
        erased = sum(privacy.erase_comments(email) for email in emails)
        self.message_user(request, f"Erased {erased} comment{'s' if erased != 1 else ''}.", messages.SUCCESS)


# The name of the decision buttons on a comment's own page: they submit its
# form, so that a correction typed there is saved, or refused with the text
# kept, before the decision is made.
DECIDE = "_decide"

# The statuses counted at the top of the queue, in the order moderators look at them.
COUNTED = (Status.PENDING, Status.SPAM, Status.APPROVED, Status.REJECTED)

# The buttons each comment gets, in the order of their keyboard shortcuts' fame.
DECISIONS = (
    (Status.APPROVED, "Approve", "a"),
    (Status.REJECTED, "Reject", "r"),
    (Status.SPAM, "Spam", "s"),
)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(RecordAdmin):
    list_display = ("at", "comment", "from_status", "to_status", "by")
    list_filter = ("to_status", "by")
    list_select_related = ("comment__article", "by")
    date_hierarchy = "at"
