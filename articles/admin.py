"""Editors change an article and its sections on one page, as a draft.

Nothing here writes what readers see except publishing: the article form
writes the draft's fields (never the article's), the inline writes the
draft's sections, and every change is kept as a revision (articles.drafts).
"""

from adminsortable2.admin import CustomInlineFormSet, SortableAdminBase, SortableStackedInline
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html

from web.responses import private
from web.shortcuts import primary_key_or_404

from . import compare, drafts, presence, previews, reviews, versions
from .forms import PublishForm, ReviewForm
from .markup import SUPPORTED_MARKDOWN
from .models import PRESENCE_POLL_SECONDS, Article, DraftSection, Review, Revision, normalise_newlines

MOVES = {"up": {"step": -1}, "down": {"step": +1}}
# The name of the choice, mine or theirs, made for each conflict (drafts.Conflict).
MERGE_CHOICE = "merge-"
WHEN = "j M Y, H:i"


def requested_move(post, prefix, direction):
    """drafts.move's keywords for the Move button a form posted, or None: Move up and Move down
    move one place, Move to the position typed beside it ({prefix}-move-to)."""
    if direction != "to":
        return MOVES.get(direction)
    try:
        return {"to": int(post.get(f"{prefix}-move-to", ""))}
    except ValueError:
        return None


class ReviewInline(admin.StackedInline):
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
            "published": article.revisions.publications().first(),
            "draft": article.draft if hasattr(article, "draft") else None,
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
                "Last reviewed {:%d %B %Y}; next review due {:%d %B %Y}.",
                article.last_reviewed,
                article.next_review_due,
            )
        else:
            status = "Never reviewed: readers see no review date."
        return status

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_review": self.has_review_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)


class SectionFormSet(CustomInlineFormSet):
    """The draft's sections as posted; when another save came in since the
    page was loaded, merged with it (drafts.merge), refused only on a conflict."""

    merged = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sections another editor deleted since the page was loaded come in as
        # rows of their own, named by anchor, for the merge to weigh.
        self.vanished = set()
        if self.is_bound and self.instance.pk:
            existing = {str(pk) for pk in self.get_queryset().values_list("pk", flat=True)}
            ids = (self.data.get(f"{self.prefix}-{index}-id") for index in range(self.total_form_count()))
            self.vanished = {index for index, pk in enumerate(ids) if pk and pk not in existing}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index in self.vanished:
            form.fields["id"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        super().clean()
        anchors = [
            form.cleaned_data["anchor"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("anchor")
        ]
        if len(set(anchors)) != len(anchors):
            raise ValidationError("Two sections have the same anchor; give each its own, or leave it empty.")
        if self.instance.pk and not any(form.errors for form in self.forms):
            self._merge()

    def _merge(self):
        base = self.data.get("base_revision", "")
        if base == str(drafts.current_revision(self.instance).pk):
            return
        choices = {
            name.removeprefix(MERGE_CHOICE): value
            for name, value in self.data.items()
            if name.startswith(MERGE_CHOICE) and value in ("mine", "theirs")
        }
        base = self.instance.revisions.filter(pk=base).first() if base.isdigit() else None
        self.merged = drafts.merge(
            self.instance,
            base=base,
            mine=self._posted(base.content if base else None),
            choices=choices,
            chosen_against=self.data.get("merge_against"),
        )
        if self.merged.conflicts:
            raise ValidationError("Another editor changed the same text after you opened this page: see above.")

    def _posted(self, base):
        """The page as posted, in the shape of a revision's content."""
        base_keys = {section["anchor"]: section["key"] for section in base["sections"]} if base else {}
        rows = []
        for index, form in enumerate(self.forms):
            data = form.cleaned_data
            if not data or data.get("DELETE") or (form.instance.pk is None and not form.has_changed()):
                continue
            key = str(form.instance.key)
            if index in self.vanished:
                if data.get("anchor") not in base_keys:
                    continue
                key = base_keys[data["anchor"]]
            section = {
                "key": key,
                "heading": data["heading"],
                "anchor": data.get("anchor") or "",
                "body": normalise_newlines(data["body"]),
            }
            rows.append(((data.get("position") or 0, form.instance.pk is None, index), section))
        return {
            "article": {name: getattr(self.instance, name) for name in drafts.ARTICLE_FIELDS},
            "sections": [section for _, section in sorted(rows, key=lambda row: row[0])],
        }


class SectionInline(SortableStackedInline):
    model = DraftSection
    formset = SectionFormSet
    template = "admin/articles/article/sections_inline.html"
    extra = 0
    fields = (("heading", "anchor"), "body")
    verbose_name_plural = "Sections (drag a heading, or use the Move buttons, to reorder)"
    # Written once above the sections (sections_inline.html) rather than under every body box.
    markdown_help = SUPPORTED_MARKDOWN
    markdown_help_id = "section-markdown-help"

    # django-admin-sortable2 adds its hidden order field to the fields: the form keeps it, but the admin's fieldset
    # would give that hidden input a label, so sections_inline.html writes the input itself.
    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.fields})]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("fields", flatten(self.get_fields(request, obj)))
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body":
            field.help_text = ""
            field.widget.attrs["aria-describedby"] = self.markdown_help_id
        return field


class ArticleForm(forms.ModelForm):
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Article
        fields = drafts.ARTICLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["base_revision"] = self.instance.draft.revision_id

    def clean_disclaimer(self):
        return normalise_newlines(self.cleaned_data["disclaimer"])


@admin.register(Article)
class ArticleAdmin(ReviewActions, SortableAdminBase, admin.ModelAdmin):
    form = ArticleForm
    list_display = ("title", "slug", "is_published", "draft_state", "updated_at", "last_reviewed", "next_review_due")
    list_select_related = ("draft__changed_by",)
    list_filter = ("is_published",)
    search_fields = ("title", "summary", "sections__heading", "sections__body")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("review_status",)
    # Not base_revision: the admin's fieldset would give that hidden input a label, so change_form.html writes it.
    fields = ("title", "slug", "summary", "is_published", "disclaimer", "review_status")
    inlines = (SectionInline, ReviewInline)
    actions = ("mark_as_reviewed",)
    save_on_top = True

    class Media:
        css = {"all": ("css/editing.css",)}
        js = ("js/editing.js", "js/presence.js")

    @admin.display(description="Draft")
    def draft_state(self, article):
        draft = getattr(article, "draft", None)
        if draft is None or not draft.has_unpublished_changes:
            return "Published as is"
        since = formats.date_format(timezone.localtime(draft.changed_since), WHEN)
        return f"Unpublished changes by {draft.changed_by or 'someone'} since {since}"

    def get_object(self, request, object_id, from_field=None):
        # The form shows (and writes) the draft's fields, never the article's.
        article = super().get_object(request, object_id, from_field)
        if article is not None:
            draft = drafts.draft_of(article)
            for name in drafts.ARTICLE_FIELDS:
                setattr(article, name, getattr(draft, name))
            article.draft = draft
        return article

    def save_model(self, request, obj, form, change):
        if not change:
            # A new article exists for readers only once it is published.
            wanted = obj.is_published
            obj.is_published = False
            obj.save()
            obj.is_published = wanted
        draft = drafts.draft_of(obj)
        for name in drafts.ARTICLE_FIELDS:
            setattr(draft, name, getattr(obj, name))
        draft.save()

    # Readers get "not found" at their next request, not one served from what a process read before.
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        versions.announce()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        versions.announce()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        prefix, _, direction = request.POST.get("_move", "").rpartition(":")
        where = requested_move(request.POST, prefix, direction)
        for section_form in formset.forms:
            if section_form.prefix == prefix and section_form.instance.pk and where:
                moved = drafts.move(section_form.instance, **where)
                request.section_move = (section_form.instance, direction, moved)

    def save_related(self, request, form, formsets, change):
        merged = next((formset.merged for formset in formsets if isinstance(formset, SectionFormSet)), None)
        if merged:
            drafts.save_merged(form.instance, merged, by=request.user)
            # The history entry the admin writes reads what the formsets saved: nothing, row by row.
            for formset in formsets:
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)
        drafts.record(form.instance, by=request.user)

    def _after_save(self, request, obj):
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        if move := getattr(request, "section_move", None):
            section, direction, moved = move
            if direction == "to":
                place = list(section.article.draft_sections.values_list("pk", flat=True)).index(section.pk) + 1
                done = (
                    f"Moved “{section.heading}” to position {place}"
                    if moved
                    else f"“{section.heading}” is already at position {place}"
                )
                message = f"{done}. The draft is saved; publish to show it to readers."
            elif moved:
                message = f"Moved “{section.heading}”. The draft is saved; publish to show it to readers."
            else:
                message = (
                    f"“{section.heading}” is already {'first' if direction == 'up' else 'last'}. The draft is saved."
                )
            self.message_user(request, message)
            return HttpResponseRedirect(f"{change_url}#section-{section.key}")
        if "_publish" in request.POST:
            return HttpResponseRedirect(reverse("admin:articles_article_publish", args=[obj.pk]))
        self.message_user(
            request, f"The draft of “{obj}” was saved. Readers see the published article until it is published."
        )
        return HttpResponseRedirect(change_url)

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj)

    def response_change(self, request, obj):
        return self._after_save(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        formsets = [inline.formset for inline in context.get("inline_admin_formsets", ())]
        merged = next((formset.merged for formset in formsets if isinstance(formset, SectionFormSet)), None)
        if obj is not None and obj.pk:
            presence.arrived(obj, user=request.user)
            context.update(present=presence.others(obj, user=request.user), presence_poll_seconds=PRESENCE_POLL_SECONDS)
        context.update(
            merged=merged if merged and merged.conflicts else None,
            merge_choice=MERGE_CHOICE,
            can_publish=request.user.has_perm("articles.publish_article"),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        def view(route, function, name):
            return path(route, self.admin_site.admin_view(function), name=f"articles_article_{name}")

        return [
            view("preview-section/", self.preview_section_view, "preview_section"),
            view("<int:object_id>/publish/", self.publish_view, "publish"),
            view("<int:object_id>/presence/", self.presence_view, "presence"),
            view("<int:object_id>/discard/", self.discard_view, "discard"),
            view("<int:object_id>/revisions/", self.revisions_view, "revisions"),
            view("<int:object_id>/revisions/compare/", self.compare_view, "compare"),
            view("<int:object_id>/revisions/<int:revision_id>/", self.revision_view, "revision"),
        ] + super().get_urls()

    # The pages below belong to one article, which the user must be allowed to change.

    def _article(self, request, object_id, permission="change"):
        article = get_object_or_404(Article, pk=primary_key_or_404(object_id))
        allowed = (
            request.user.has_perm("articles.publish_article")
            if permission == "publish"
            else self.has_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _render(self, request, template, article, **context):
        return TemplateResponse(
            request,
            f"admin/articles/article/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, "original": article, **context},
        )

    def publish_view(self, request, object_id):
        article = self._article(request, object_id, "publish")
        draft = drafts.draft_of(article)
        form = PublishForm(request.POST if request.method == "POST" else None)
        error = None
        if form.is_valid():
            try:
                drafts.publish(article, by=request.user, note=form.cleaned_data["note"])
            except ValidationError as refusal:
                error = refusal.messages[0]
            else:
                self.message_user(request, f"Published “{draft.title}”. Readers see it at their next visit.")
                return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        live = drafts.live_revision(article)
        return self._render(
            request,
            "publish.html",
            article,
            title=f"Publish “{draft.title}”",
            draft=draft,
            form=form,
            error=error,
            comparison=compare.compare(live.content, drafts.draft_content(draft)),
        )

    def discard_view(self, request, object_id):
        article = self._article(request, object_id)
        draft = drafts.draft_of(article)
        if request.method == "POST":
            drafts.discard_draft(article, by=request.user)
            self.message_user(
                request, "The unpublished changes were discarded; the draft is the published article again."
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        live = drafts.live_revision(article)
        return self._render(
            request,
            "discard.html",
            article,
            title=f"Discard the draft of “{draft.title}”",
            draft=draft,
            comparison=compare.compare(live.content, drafts.draft_content(draft)),
        )

    def presence_view(self, request, object_id):
        """The editor page's poll: it is still open; who else has it open."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article(request, object_id)
        presence.arrived(article, user=request.user)
        return private(JsonResponse({"others": presence.others(article, user=request.user)}))

    def revisions_view(self, request, object_id):
        article = self._article(request, object_id)
        draft = drafts.draft_of(article)
        revisions = list(article.revisions.select_related("created_by"))
        newest = revisions[0]
        # Offered first: the newest revision against the last published one that differs from it.
        earlier = next((r for r in revisions if r.published_at and r.content != newest.content), revisions[-1])
        return self._render(
            request,
            "revisions.html",
            article,
            title=f"Revisions of “{draft.title}”",
            revisions=revisions,
            draft=draft,
            live=drafts.live_revision(article),
            compare_from=earlier,
            compare_to=newest,
        )

    def compare_view(self, request, object_id):
        article = self._article(request, object_id)
        revisions = article.revisions.select_related("created_by")
        try:
            old = revisions.get(pk=primary_key_or_404(request.GET.get("a", "")))
            new = revisions.get(pk=primary_key_or_404(request.GET.get("b", "")))
        except Revision.DoesNotExist:
            raise Http404("Choose two revisions of this article to compare.") from None
        if old.created_at > new.created_at:
            old, new = new, old
        return self._render(
            request,
            "compare.html",
            article,
            title="Compare revisions",
            old=old,
            new=new,
            comparison=compare.compare(old.content, new.content),
        )

    def revision_view(self, request, object_id, revision_id):
        article = self._article(request, object_id)
        revision = get_object_or_404(article.revisions.select_related("created_by"), pk=primary_key_or_404(revision_id))
        if request.method == "POST":
            key = request.POST.get("section", "")
            if key:
                if key not in {section["key"] for section in revision.content["sections"]}:
                    raise Http404("That revision has no such section.")
                restored = drafts.restore_section(revision, key, by=request.user)
            else:
                restored = drafts.restore(revision, by=request.user)
            done = restored.note.removesuffix(".")
            self.message_user(request, f"{done}. Readers see it once it is published.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        current = drafts.draft_of(article).revision
        return self._render(
            request,
            "revision.html",
            article,
            title=f"Revision {revision.number}",
            revision=revision,
            current=current,
            comparison=compare.compare(revision.content, current.content),
        )

    def preview_section_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        return previews.section_preview(request)
