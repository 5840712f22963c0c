"""The article admin's one form, as a browser posts it: the article's fields,
its draft sections inline, and the read-only reviews."""

from articles import drafts
from articles.models import DraftSection

PREFIX = "draft_sections"


def form_data(article, *, sections=None, **changes):
    """The article form as the admin would post it, from the draft as it stands."""
    draft = drafts.draft_of(article)
    rows = list(DraftSection.objects.filter(article=article)) if sections is None else sections
    data = {name: getattr(draft, name) or "" for name in drafts.ARTICLE_FIELDS}
    data["is_published"] = "on" if draft.is_published else ""
    data["base_revision"] = draft.revision_id
    data.update(
        {
            f"{PREFIX}-TOTAL_FORMS": len(rows),
            f"{PREFIX}-INITIAL_FORMS": len([r for r in rows if r.pk]),
            f"{PREFIX}-MIN_NUM_FORMS": 0,
            f"{PREFIX}-MAX_NUM_FORMS": 1000,
            # The reviews, shown read-only on the same page.
            "reviews-TOTAL_FORMS": 0,
            "reviews-INITIAL_FORMS": 0,
        }
    )
    for i, row in enumerate(rows):
        data.update(
            {
                f"{PREFIX}-{i}-id": row.pk or "",
                f"{PREFIX}-{i}-article": article.pk,
                f"{PREFIX}-{i}-position": row.position,
                f"{PREFIX}-{i}-heading": row.heading,
                f"{PREFIX}-{i}-anchor": row.anchor,
                f"{PREFIX}-{i}-body": row.body,
            }
        )
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}
