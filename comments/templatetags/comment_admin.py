import copy
from datetime import datetime, time, timedelta

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.urls import reverse
from django.utils import timezone

from comments import counts
from comments.models import MODERATE_PERMISSION, ModerationDecision, Status
from comments.moderation import undo_deadline
from comments.queue import UNDO_OFFER

register = template.Library()


@register.inclusion_tag("comments/_pending_badge.html", takes_context=True)
def pending_comments_badge(context):
    """The size of the moderation queue, on every admin page, for those who can work through it."""
    request = context.get("request")
    if request is None or not request.user.has_perm(MODERATE_PERMISSION):
        return {"count": None}
    counted = context.get("counted_by_status") or counts.by_status()
    return {"count": counted[Status.PENDING], "queue_url": reverse("admin:comments_comment_changelist")}


@register.simple_tag(takes_context=True)
def undo_offer(context):
    """The moderator's latest decisions (one, or a bulk action's) while their
    window is open: the success message that tells of them, with an Undo
    button, the way back without JavaScript; once closed, the message alone
    if no page has told it yet. None when there is nothing to say."""
    request = context.get("request")
    if request is None or not request.user.has_perm(MODERATE_PERMISSION):
        return None
    offer = request.session.get(UNDO_OFFER)
    if not offer:
        return None
    decisions = list(
        ModerationDecision.objects.select_related("comment").filter(pk__in=offer["decisions"], by=request.user)
    )
    if not decisions or timezone.now() > undo_deadline(decisions[0]):
        del request.session[UNDO_OFFER]
        return None if offer["shown"] else {"message": offer["message"]}
    if not offer["shown"]:
        request.session[UNDO_OFFER] = {**offer, "shown": True}
    single = decisions[0] if len(decisions) == 1 else None
    return {
        "message": offer["message"],
        "decisions": decisions,
        "action": reverse("admin:comments_comment_undo", args=[single.comment_id])
        if single
        else reverse("admin:comments_comment_undo_many"),
        "deadline": undo_deadline(decisions[0]),
    }


@register.inclusion_tag("admin/date_hierarchy.html")
def queue_date_hierarchy(changelist):
    """Django's date hierarchy, its links as they are, but every date it
    offers is found by one look into the index rather than by reading the
    date of every comment in the list, which takes seconds with a hundred
    thousand waiting."""
    seeking = copy.copy(changelist)
    seeking.queryset = SeekingDates(changelist.queryset, changelist.date_hierarchy)
    return date_hierarchy(seeking)


class SeekingDates:
    """A list's comments as Django's date hierarchy reads them: their first
    and last dates, which it asks for as aggregate(first=Min(field),
    last=Max(field)), and the distinct years, months or days among them in
    the current time zone (datetimes())."""

    def __init__(self, queryset, field_name):
        self.dates = queryset.order_by(field_name).values_list(field_name, flat=True)

    def aggregate(self, **first_and_last):
        # Both in one query would read every comment's date on SQLite.
        return {"first": self.dates.first(), "last": self.dates.last()}

    def datetimes(self, field_name, kind):
        zone = timezone.get_current_timezone()
        found, start = [], None
        while True:
            rest = self.dates if start is None else self.dates.filter(**{f"{field_name}__gte": start})
            first = rest.first()
            if first is None:
                return found
            day = _first_day(timezone.localtime(first).date(), kind)
            found.append(datetime.combine(day, time(), tzinfo=zone))
            try:
                start = datetime.combine(_first_day_after(day, kind), time(), tzinfo=zone)
            except (OverflowError, ValueError):  # the calendar ends in 9999
                return found


def _first_day(day, kind):
    """The first day of `day`'s year, month or day (`kind`)."""
    return {"year": day.replace(month=1, day=1), "month": day.replace(day=1), "day": day}[kind]


def _first_day_after(first_day, kind):
    """The first day of the year, month or day after the one that starts on `first_day`."""
    if kind == "year":
        return first_day.replace(year=first_day.year + 1)
    if kind == "month":
        return (first_day + timedelta(days=31)).replace(day=1)
    return first_day + timedelta(days=1)
