from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, Section


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = (("position", "heading", "anchor"), "body")
    ordering = ("position", "pk")
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "is_published", "updated_at", "last_reviewed")
    list_filter = ("is_published",)
    search_fields = ("title", "summary", "sections__heading", "sections__body")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    fields = ("title", "slug", "summary", "is_published", "last_reviewed", "disclaimer", ("created_at", "updated_at"))
    inlines = (SectionInline,)


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ("heading", "article", "position", "anchor")
    list_filter = ("article",)
    list_editable = ("position",)
    search_fields = ("heading", "body")
    ordering = ("article", "position")
    fields = ("article", "position", "heading", "anchor", "body")
    history_list_display = ("heading",)
