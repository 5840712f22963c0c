"""Editors change a draft; readers see the published article until someone publishes.

The published article is `Article` and its `Section`s, the only rows the
article page reads. The draft is `Draft` (the article's own fields) and its
`DraftSection`s, the rows the admin edits. Every change to the draft, and
every publish, keeps a `Revision`: the whole article as JSON. The draft
points at the revision its content equals.

Two editors at once: a save based on an older revision than the draft's is
merged (`merge()`), three ways: the revision the editor's page was loaded
from (base), the draft as it now stands (theirs) and the posted page (mine).
What only one side changed is kept; only a field or section both changed
differently is a conflict, refused until the editor chooses whose text
stays. Order: the sections keep the order of whichever side moved some
(mine when both did), and a section only one side has is placed after the
one it follows on that side.
"""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import versions
from .markup import MarkupRefused, render_markdown
from .models import Article, Draft, DraftSection, Revision, Section, is_reserved_anchor

# The review dates are not among them: only a review sets those (reviews.py).
ARTICLE_FIELDS = ("title", "slug", "summary", "is_published", "disclaimer")
SECTION_FIELDS = ("heading", "anchor", "body")
# Positions are renumbered in these steps after every change, so the order
# never holds two sections at one position.
POSITION_STEP = 10


def _content(source, sections):
    fields = {name: getattr(source, name) for name in ARTICLE_FIELDS}
    return {
        "article": fields,
        "sections": [{"key": str(s.key), **{name: getattr(s, name) for name in SECTION_FIELDS}} for s in sections],
    }


def published_content(article):
    return _content(article, article.sections.order_by("position", "pk"))


def draft_content(draft):
    return _content(draft, DraftSection.objects.filter(article_id=draft.article_id))


def live_revision(article):
    """The revision readers are seeing, made from the published rows if no publish has kept one yet."""
    revision = article.revisions.publications().first()
    if revision is None:
        # Articles loaded or created before revisions were kept.
        revision = Revision.objects.create(
            article=article,
            content=published_content(article),
            published_at=article.updated_at,
            note="The article as published before revisions were kept.",
        )
    return revision


@transaction.atomic
def draft_of(article):
    """The article's draft, started from the published article when there is none yet."""
    try:
        return Draft.objects.select_related("revision__created_by", "changed_by").get(article=article)
    except Draft.DoesNotExist:
        pass
    draft = Draft(article=article, revision=live_revision(article))
    _fill_draft(draft, draft.revision.content)
    return draft


def current_revision(article):
    """The revision the draft now equals, read under a lock (inside the
    caller's transaction) so that two saves cannot both pass a check against it."""
    draft_of(article)
    # The revision is read after the lock, not joined to it: on PostgreSQL a
    # lock that waited for another save sees that save's draft row but not
    # the revision it made, which the query's snapshot predates.
    locked = Draft.objects.select_for_update().filter(article=article)
    return Revision.objects.select_related("created_by").get(pk=locked.values_list("revision_id", flat=True).get())


def _fill_draft(draft, content):
    """Make the draft say exactly what `content` says: its fields, its sections, their order.

    Sections are matched by key and keep their rows, so a page another editor
    has open still names them."""
    fields = content["article"]
    for name in ARTICLE_FIELDS:
        setattr(draft, name, fields[name])
    draft.save()
    rows = DraftSection.objects.filter(article_id=draft.article_id)
    existing = {section.key: section for section in rows}
    wanted = [uuid.UUID(data["key"]) for data in content["sections"]]
    rows.exclude(key__in=wanted).delete()
    changed, added = [], []
    for number, (key, data) in enumerate(zip(wanted, content["sections"], strict=True), start=1):
        section = existing.get(key) or DraftSection(article_id=draft.article_id, key=key)
        section.position = number * POSITION_STEP
        section.body_html = _rendered(data["body"])
        for name in SECTION_FIELDS:
            setattr(section, name, data[name])
        (changed if section.pk else added).append(section)
    DraftSection.objects.bulk_update(changed, ("position", "body_html", *SECTION_FIELDS))
    DraftSection.objects.bulk_create(added)
    # A section added on the page without an anchor gets one made from its heading, as save() does.
    for section in added + changed:
        if not section.anchor:
            DraftSection.objects.filter(pk=section.pk).update(anchor=section._free_anchor())


def _rendered(body):
    # Text kept from before a rule of the Markdown pipeline existed may break
    # it: it still comes into the draft, for an editor to rewrite, and the
    # section form and publish() refuse it until then.
    try:
        return render_markdown(body)
    except MarkupRefused:
        return ""


@dataclass
class Conflict:
    """A field or section both editors changed, each differently: `theirs` and
    `mine` are its text on each side, None where that side deleted it."""

    name: str
    label: str
    theirs: str | None
    mine: str | None


@dataclass
class Merge:
    """What merge() made: the revision it merged with, the content to save, and what stops saving it."""

    theirs: Revision
    content: dict
    conflicts: list = field(default_factory=list)


def _section_text(section):
    return None if section is None else f"{section['heading']}\n\n{section['body']}"


def merge(article, *, base, mine, choices, chosen_against=None):
    """Merge the posted page (`mine`, content) into the draft as it now stands,
    from the revision the page was loaded from (`base`, a Revision; None
    when the page names none of this article's, and then the page replaces the draft).

    `choices` says, by conflict name, whose text stays: "mine" or "theirs".
    They were made against the revision `chosen_against` (a pk), and count
    only while the draft still equals it. A conflict without a choice is
    listed in the result, whose content then keeps theirs there. Call it
    inside the transaction that saves: it locks the draft.
    """
    theirs = current_revision(article)
    if str(chosen_against) != str(theirs.pk):
        choices = {}
    old, new = (base or theirs).content, theirs.content
    result = Merge(theirs=theirs, content={"article": {}, "sections": []})

    def pick(name, label, b, t, m, text=str):
        if m in (b, t):
            return t
        if t == b:
            return m
        if name not in choices:
            result.conflicts.append(Conflict(name, label, text(t), text(m)))
            return t
        return m if choices[name] == "mine" else t

    for name in ARTICLE_FIELDS:
        label = str(Article._meta.get_field(name).verbose_name).capitalize()
        result.content["article"][name] = pick(
            name, label, old["article"][name], new["article"][name], mine["article"][name]
        )

    sides = [{s["key"]: s for s in content["sections"]} for content in (old, new, mine)]
    kept = {}
    for key in {key for side in sides for key in side}:
        b, t, m = (side.get(key) for side in sides)
        if b is None:  # added on one side
            kept[key] = m or t
            continue
        label = (m or t or b)["heading"]
        kept[key] = pick(key, f"Section “{label}”", b, t, m, text=_section_text)
    result.content["sections"] = [kept[key] for key in _merged_order(old, new, mine) if kept.get(key)]
    return result


def _merged_order(old, new, mine):
    """Mine's order if the page moved a section, else theirs; then each
    section only the other side has, after the one it follows there."""
    old_keys, new_keys, mine_keys = ([s["key"] for s in c["sections"]] for c in (old, new, mine))
    both = set(old_keys) & set(mine_keys)
    moved = [k for k in mine_keys if k in both] != [k for k in old_keys if k in both]
    first, second = (mine_keys, new_keys) if moved else (new_keys, mine_keys)
    order = list(first)
    for index, key in enumerate(second):
        if key in order:
            continue
        before = next((k for k in reversed(second[:index]) if k in order), None)
        order.insert(order.index(before) + 1 if before else 0, key)
    return order


@transaction.atomic
def save_merged(article, merged, *, by):
    """Write a merge() without conflicts into the draft and keep it as a revision."""
    _fill_draft(draft_of(article), merged.content)
    who = merged.theirs.created_by or "someone"
    return record(article, by=by, note=f"Saved over revision {merged.theirs.number} by {who}, keeping both changes.")


def renumber(article):
    sections = list(article.draft_sections.all())
    changed = []
    for number, section in enumerate(sections, start=1):
        if section.position != number * POSITION_STEP:
            section.position = number * POSITION_STEP
            changed.append(section)
    DraftSection.objects.bulk_update(changed, ["position"])


def move(section, *, step=None, to=None):
    """Move a draft section one place (step -1 up, +1 down) or to a position
    (to=1 is first; a number past either end means that end). Returns False
    when it stays where it is: already first (or last), or already there."""
    siblings = list(DraftSection.objects.filter(article_id=section.article_id))
    here = next(i for i, sibling in enumerate(siblings) if sibling.pk == section.pk)
    there = here + step if to is None else min(max(to, 1), len(siblings)) - 1
    if there == here or not 0 <= there < len(siblings):
        return False
    siblings.insert(there, siblings.pop(here))
    for number, sibling in enumerate(siblings, start=1):
        sibling.position = number * POSITION_STEP
    DraftSection.objects.bulk_update(siblings, ["position"])
    return True


@transaction.atomic
def record(article, *, by, note=""):
    """Keep the draft as it now stands as a revision, after any change to it.

    The draft has unpublished changes while its content differs from the
    published revision's; who changed it last and since when are shown in the admin.
    """
    draft = Draft.objects.select_for_update().get(article=article)
    renumber(article)
    content = draft_content(draft)
    if not note and draft.revision_id and content == draft.revision.content:
        # A save that changed nothing (Save pressed twice, a move past the
        # end) adds no revision: the list shows changes only.
        return draft.revision
    revision = Revision.objects.create(article=article, content=content, created_by=by, note=note)
    draft.revision = revision
    if content == live_revision(article).content:
        draft.changed_since = draft.changed_by = None
    else:
        draft.changed_since = draft.changed_since or revision.created_at
        draft.changed_by = by
    draft.save(update_fields=("revision", "changed_since", "changed_by"))
    return revision


def _check_publishable(article, content):
    slug = content["article"]["slug"]
    if Article.objects.filter(slug=slug).exclude(pk=article.pk).exists():
        raise ValidationError(f"Another article already has the address “{slug}”; change the slug in the draft.")
    for section in content["sections"]:
        try:
            render_markdown(section["body"])
        except MarkupRefused as refused:
            raise ValidationError(f"“{section['heading']}” cannot be published: {' '.join(refused.messages)}") from None
    anchors = [section["anchor"] for section in content["sections"]]
    if len(set(anchors)) != len(anchors):
        raise ValidationError("Two sections of the draft have the same anchor; give each its own.")
    if any(is_reserved_anchor(anchor) for anchor in anchors):
        raise ValidationError("An anchor in the draft is a name the page uses itself; choose another.")


@transaction.atomic
def publish(article, *, by, note=""):
    """Make the draft what readers see, all at once, and keep it as a published revision.

    Moves the page's version (versions.moved): every process serves the new
    page at its next request.
    Raises ValidationError, changing nothing, when the draft cannot be published.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    draft = draft_of(article)
    drafts = list(article.draft_sections.all())
    content = _content(draft, drafts)
    _check_publishable(article, content)

    for name in ARTICLE_FIELDS:
        setattr(article, name, getattr(draft, name))
    article.save(update_fields=ARTICLE_FIELDS)

    published = {section.key: section for section in article.sections.all()}
    keep = {section.key for section in drafts}
    Section.objects.filter(article=article).exclude(key__in=keep).delete()
    # A section may take an anchor another one gives up in the same publish:
    # park the changing anchors first so that no moment holds two alike.
    parked = [s for s in drafts if s.key in published and published[s.key].anchor != s.anchor]
    for section in parked:
        published[section.key].anchor = f"~{section.key}"
    Section.objects.bulk_update([published[s.key] for s in parked], ["anchor"])

    fields = ("position", "heading", "anchor", "body", "body_html")
    changed, added = [], []
    for draft_section in drafts:
        section = published.get(draft_section.key) or Section(article=article, key=draft_section.key)
        if section.pk and all(getattr(section, f) == getattr(draft_section, f) for f in fields):
            continue
        for name in fields:
            setattr(section, name, getattr(draft_section, name))
        (changed if section.pk else added).append(section)
    Section.objects.bulk_update(changed, fields)
    Section.objects.bulk_create(added)

    versions.moved(article, content=True)
    revision = Revision.objects.create(
        article=article, content=content, created_by=by, published_at=timezone.now(), note=note.strip()
    )
    draft.revision = revision
    draft.changed_since = draft.changed_by = None
    draft.save(update_fields=("revision", "changed_since", "changed_by"))
    return revision


@transaction.atomic
def discard_draft(article, *, by):
    """Return the draft to the published article, keeping the discarded draft among the revisions."""
    draft = draft_of(article)
    _fill_draft(draft, live_revision(article).content)
    return record(article, by=by, note="Discarded the unpublished changes.")


@transaction.atomic
def restore(revision, *, by):
    """Put an earlier revision's whole content into the draft (not on the site)."""
    _fill_draft(draft_of(revision.article), revision.content)
    return record(revision.article, by=by, note=f"Restored revision {revision.number} into the draft.")


@transaction.atomic
def restore_section(revision, key, *, by):
    """Put one section's heading and text from an earlier revision into the draft.

    The section keeps its place among the others; one the draft no longer has
    comes back after the section it followed in that revision (or first).
    """
    article = revision.article
    draft_of(article)
    old = next(section for section in revision.content["sections"] if section["key"] == str(key))
    section = DraftSection.objects.filter(article=article, key=key).first()
    if section is None:
        order = [s["key"] for s in revision.content["sections"]]
        before = order[: order.index(str(key))]
        previous = DraftSection.objects.filter(article=article, key__in=before).order_by("-position").first()
        section = DraftSection(article=article, key=key, position=previous.position + 1 if previous else 0)
        if DraftSection.objects.filter(article=article, anchor=old["anchor"]).exists():
            old = {**old, "anchor": ""}
    section.heading, section.body, section.body_html = old["heading"], old["body"], _rendered(old["body"])
    # Written without save(), which would refuse text an older rule let through (see _rendered).
    if section.pk:
        fields = {name: getattr(section, name) for name in ("heading", "body", "body_html")}
        DraftSection.objects.filter(pk=section.pk).update(**fields)
    else:
        section.anchor = old["anchor"] or section._free_anchor()
        DraftSection.objects.bulk_create([section])
    return record(article, by=by, note=f"Restored “{old['heading']}” from revision {revision.number} into the draft.")
