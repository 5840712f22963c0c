"""The admin site, with guards on the kinds of URL that Django 5.2 answers
with a crash (500) instead of a refusal.

Every ModelAdmin registered on the site, ours and contrib.auth's alike, gets
the guards, so a staff member editing a URL by hand meets a 4xx or the
admin's own "invalid lookup" redirect, never a server error. A list runs
only the lookups its filters and date hierarchy offer.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import DataError, transaction


class GuardedChangeList(ChangeList):
    def get_filters(self, request):
        # The date hierarchy turns ?created_at__year=… into datetimes: a year
        # past 9999 overflows, and year 9999 overflows when its end is
        # computed. Both are a bad lookup, answered like any other.
        try:
            filters = super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error
        except IncorrectLookupParameters as error:
            # A lookup on a field the model lacks is one more the list does not offer.
            if isinstance(error.__cause__, FieldDoesNotExist):
                raise DisallowedModelAdminLookup(str(error)) from error
            raise
        # Django runs any lookup on a local field as sent, whether or not a
        # list filter or the date hierarchy offers it: ?body__regex=(((( is a
        # database error. The list's own links carry only what those offer,
        # so whatever is left over is refused (400), never run.
        _, _, lookups, _, _ = filters
        unoffered = lookups.keys() & self.get_filters_params().keys()
        if unoffered:
            raise DisallowedModelAdminLookup(f"This list offers no filter by {', '.join(sorted(unoffered))}.")
        return filters

    def get_results(self, request):
        # SQLite cannot take an integer past 64 bits (?article__exact=9999…),
        # PostgreSQL refuses one past its column's range and any text with a
        # NUL (?q=%00); the count query is the first to run them. A savepoint
        # keeps the refusal from spoiling the request's transaction.
        try:
            with transaction.atomic(using=self.queryset.db):
                return super().get_results(request)
        except (OverflowError, ValueError, DataError) as error:
            raise IncorrectLookupParameters(error) from error


class GuardedModelAdmin:
    def to_field_allowed(self, request, to_field):
        # A reverse relation (?_to_field=comments on the articles) has no
        # column to refer to, and Django crashes asking for its primary_key.
        try:
            field = self.opts.get_field(to_field)
        except FieldDoesNotExist:
            return False
        return field.concrete and super().to_field_allowed(request, to_field)

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        return GuardedChangeList if changelist is ChangeList else changelist


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        base = admin_class or admin.ModelAdmin
        guarded = type(
            base.__name__, (GuardedModelAdmin, base), {"__module__": base.__module__, "__doc__": base.__doc__}
        )
        super().register(model_or_iterable, guarded, **options)
