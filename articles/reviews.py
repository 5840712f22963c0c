"""Reviews: the one way an article comes to say it was checked.

"Last reviewed" is a claim to readers that someone with the review permission
checked the content against the evidence on that day, so it is set here and
only here, with a record of who, when and what they checked. Saving the
content never moves it.
"""

import calendar
import datetime

from django.db import transaction
from django.utils import timezone

from . import versions
from .models import Article, Review

REVIEW_PERMISSION = "articles.review_article"
REVIEW_INTERVAL_MONTHS = 12


def months_after(day, months):
    """The same day of the month `months` later, or that month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_next_review(reviewed_on):
    return months_after(reviewed_on, REVIEW_INTERVAL_MONTHS)


@transaction.atomic
def mark_reviewed(article, *, by, note, next_review_due=None):
    now = timezone.now()
    reviewed_on = timezone.localdate(now)
    next_review_due = next_review_due or default_next_review(reviewed_on)
    review = Review.objects.create(
        article=article, reviewed_by=by, reviewed_at=now, note=note, next_review_due=next_review_due
    )
    # An update, not a save: a review is not a content change, so the
    # article's "Last updated" stays where the content left it.
    Article.objects.filter(pk=article.pk).update(last_reviewed=reviewed_on, next_review_due=next_review_due)
    versions.announce()
    article.last_reviewed, article.next_review_due = reviewed_on, next_review_due
    return review
