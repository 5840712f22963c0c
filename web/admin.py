from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """A record to look into: written by the application, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
