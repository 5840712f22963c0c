from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from . import ordering
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
    readonly_fields = ("created_at", "updated_at", "reorder_sections")
    fields = (
        "title", "slug", "summary", "is_published", "last_reviewed", "disclaimer",
        ("created_at", "updated_at"), "reorder_sections",
    )
    inlines = (SectionInline,)

    @admin.display(description="Order of sections")
    def reorder_sections(self, article):
        if not article.pk:
            return "Save the article first."
        url = reverse("admin:articles_section_changelist") + f"?article__id__exact={article.pk}"
        return format_html(
            'Change the positions below, or <a href="{}">move sections up and down in the list of sections</a>.', url
        )


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ("heading", "article", "position", "anchor")
    list_filter = ("article",)
    list_editable = ("position",)
    search_fields = ("heading", "body")
    ordering = ("article", "position")
    fields = ("article", "position", "heading", "anchor", "body")
    history_list_display = ("heading",)
    actions = ("move_up", "move_down")

    def _move(self, request, queryset, step):
        # Move the selected sections one place each, nearest the edge first,
        # so that neighbours moving together keep their order.
        sections = sorted(queryset.select_related("article"), key=lambda s: (s.article_id, s.position, s.pk))
        if step > 0:
            sections.reverse()
        moved = sum(ordering.move(section, step=step) for section in sections)
        self.message_user(request, f"Moved {moved} of {len(sections)} selected sections.", messages.SUCCESS)

    @admin.action(description="Move selected sections up", permissions=("change",))
    def move_up(self, request, queryset):
        self._move(request, queryset, -1)

    @admin.action(description="Move selected sections down", permissions=("change",))
    def move_down(self, request, queryset):
        self._move(request, queryset, +1)
