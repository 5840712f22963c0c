from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from web.admin import RecordAdmin

from . import sender
from .models import RETRY_PERMISSION, DeliveryAttempt, OutboundEmail


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(RecordAdmin):
    """The outbox, to look into: the sender (`manage.py send_outbox`) does the work."""

    list_display = ("subject", "kind", "created_at", "due_at", "attempts", "sent_at", "cancelled_at", "failed_at")
    list_filter = ("kind", ("sent_at", admin.EmptyFieldListFilter), ("failed_at", admin.EmptyFieldListFilter))
    fields = (
        "kind",
        "about_link",
        "to",
        "subject",
        "body",
        "created_at",
        "due_at",
        "attempts",
        "sent_at",
        "cancelled_at",
        "failed_at",
    )
    readonly_fields = fields
    inlines = (DeliveryAttemptInline,)
    date_hierarchy = "created_at"
    actions = ("retry_failed",)

    @admin.display(description="About")
    def about_link(self, email):
        """What the email tells of, linked to its page in the admin where it has one."""
        about = email.about
        if about is None:
            return "(deleted)"
        try:
            url = reverse(admin_urlname(about._meta, "change"), args=[about.pk])
        except NoReverseMatch:
            return str(about)
        return format_html('<a href="{}">{}</a>', url, about)

    def has_retry_permission(self, request):
        return request.user.has_perm(RETRY_PERMISSION)

    @admin.action(description="Send selected failed emails again", permissions=("retry",))
    def retry_failed(self, request, queryset):
        retried = sum(1 for email in queryset if sender.retry(email, by=request.user))
        self.message_user(
            request, f"{retried} email{'s' if retried != 1 else ''} put back in the outbox.", messages.SUCCESS
        )
        left = len(queryset) - retried
        if left:
            self.message_user(
                request,
                f"{left} left as {'they were' if left != 1 else 'it was'}: only a failed email, to an address "
                "that has not unsubscribed, is sent again.",
                messages.WARNING,
            )
