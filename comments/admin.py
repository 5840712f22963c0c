import json

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.http import HttpResponse
from django.utils.text import Truncator

from . import moderation, privacy
from .models import MODERATE_PERMISSION, Comment, ModerationDecision, Status


class ModerationDecisionInline(admin.TabularInline):
    model = ModerationDecision
    fields = ("at", "from_status", "to_status", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


def _bulk(change, verb):
    def action(modeladmin, request, queryset):
        changed = sum(1 for comment in queryset if change(comment, by=request.user))
        modeladmin.message_user(request, f"{verb} {changed} comment{'s' if changed != 1 else ''}.", messages.SUCCESS)

    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "name", "email", "article", "status", "created_at", "moderated_by")
    list_display_links = ("excerpt",)
    list_filter = (StatusFilter, "article")
    search_fields = ("name", "email", "body")
    date_hierarchy = "created_at"
    list_select_related = ("article", "moderated_by")
    fields = (
        "status",
        "article",
        "name",
        "email",
        "body",
        "created_at",
        ("moderated_at", "moderated_by"),
        "spam_reasons",
        "notify_on_publish",
        "publication_notice_sent_at",
        "ip_hmac",
        "user_agent",
    )
    readonly_fields = (
        "article",
        "name",
        "email",
        "body",
        "created_at",
        "moderated_at",
        "moderated_by",
        "spam_reasons",
        "notify_on_publish",
        "publication_notice_sent_at",
        "ip_hmac",
        "user_agent",
    )
    inlines = (ModerationDecisionInline,)
    actions = ("approve", "reject", "mark_spam", "return_to_pending", "export_by_email", "erase_by_email")

    # Oldest first, as the queue is worked through.
    ordering = ("created_at", "pk")

    def has_moderate_permission(self, request):
        return request.user.has_perm(MODERATE_PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.has_moderate_permission(request)

    def _hide_email(self, request, names):
        return names if self.has_moderate_permission(request) else tuple(name for name in names if name != "email")

    def get_list_display(self, request):
        return self._hide_email(request, super().get_list_display(request))

    def get_search_fields(self, request):
        return self._hide_email(request, super().get_search_fields(request))

    def lookup_allowed(self, lookup, value, request):
        # Filtering by a guessed address in the URL would reveal emails to
        # staff who may not see them.
        if lookup.startswith("email") and not self.has_moderate_permission(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_fields(self, request, obj=None):
        return self._hide_email(request, super().get_fields(request, obj))

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    def save_model(self, request, obj, form, change):
        # A status chosen on the form is a moderation decision like any other:
        # put the old status back and let moderate() make and record the
        # change. The status is the only field the form can change.
        if change and "status" in form.changed_data:
            new_status, obj.status = obj.status, form.initial["status"]
            moderation.moderate(obj, to=new_status, by=request.user)

    approve = admin.action(description="Approve selected comments", permissions=("moderate",))(
        _bulk(moderation.approve, "Approved")
    )
    reject = admin.action(description="Reject selected comments", permissions=("moderate",))(
        _bulk(moderation.reject, "Rejected")
    )
    mark_spam = admin.action(description="Mark selected comments as spam", permissions=("moderate",))(
        _bulk(moderation.mark_spam, "Marked as spam")
    )
    return_to_pending = admin.action(description="Put selected comments back to pending", permissions=("moderate",))(
        _bulk(moderation.return_to_pending, "Put back to pending")
    )

    @admin.action(
        description="Export all comments by these commenters' email addresses (JSON)", permissions=("moderate",)
    )
    def export_by_email(self, request, queryset):
        emails = sorted({email.lower() for email in queryset.values_list("email", flat=True)})
        data = {email: privacy.export_comments(email) for email in emails}
        response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="comments-export.json"'
        return response

    @admin.action(description="Erase all comments by these commenters' email addresses", permissions=("moderate",))
    def erase_by_email(self, request, queryset):
        emails = {email.lower() for email in queryset.values_list("email", flat=True)}
        erased = sum(privacy.erase_comments(email) for email in emails)
        self.message_user(request, f"Erased {erased} comment{'s' if erased != 1 else ''}.", messages.SUCCESS)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ("at", "comment", "from_status", "to_status", "by")
    list_filter = ("to_status", "by")
    list_select_related = ("comment__article", "by")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
