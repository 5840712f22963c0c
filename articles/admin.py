from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from . import ordering, reviews
from .forms import ReviewForm
from .models import Article, Review, Section


class ReviewInline(admin.TabularInline):
    """The article's reviews, newest first: a record, never edited here."""

    model = Review
    extra = 0
    fields = ("reviewed_at", "reviewed_by", "note", "next_review_due")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "Reviews (who checked the content against the evidence, and when)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewActions:
    """Mark as reviewed: a page per article, an action in the list that leads
    to it, and the dates with a link on the article's own page. Only users
    with the review permission (the Reviewers group) may use them."""

    def has_review_permission(self, request, obj=None):
        return request.user.has_perm(reviews.REVIEW_PERMISSION)

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [path("<path:object_id>/review/", review, name="articles_article_review"), *super().get_urls()]

    def review_view(self, request, object_id):
        if not self.has_review_permission(request):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reviews.mark_reviewed(article, by=request.user, **form.cleaned_data)
            self.message_user(request, f"“{article}” marked as reviewed today.", messages.SUCCESS)
            return redirect("admin:articles_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Mark “{article}” as reviewed",
            "opts": self.opts,
            "original": article,
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/article/review.html", context)

    @admin.action(description="Mark as reviewed", permissions=("review",))
    def mark_as_reviewed(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select one article: a review's note says what was checked in that article.", messages.WARNING
            )
            return None
        return redirect("admin:articles_article_review", queryset.get().pk)

    @admin.display(description="Review")
    def review_status(self, article):
        if not article.pk:
            return "Save the article first."
        if article.last_reviewed:
            status = format_html(
                "Last reviewed {:%d %B %Y}; next review due {:%d %B %Y}.", article.last_reviewed, article.next_review_due
            )
        else:
            status = "Never reviewed: readers see no review date."
        return status

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_review": self.has_review_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = (("position", "heading", "anchor"), "body")
    ordering = ("position", "pk")
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(ReviewActions, admin.ModelAdmin):
    list_display = ("title", "slug", "is_published", "updated_at", "last_reviewed", "next_review_due")
    list_filter = ("is_published",)
    search_fields = ("title", "summary", "sections__heading", "sections__body")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at", "review_status", "reorder_sections")
    fields = (
        "title", "slug", "summary", "is_published", "disclaimer",
        ("created_at", "updated_at"), "review_status", "reorder_sections",
    )
    inlines = (SectionInline, ReviewInline)
    actions = ("mark_as_reviewed",)

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
