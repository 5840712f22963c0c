"""No admin URL a staff member can reach answers with a server error, whatever
they type into it: every list, change page, history and popup of every model,
for every staff role, with filters and parameters at their extremes."""

import contextlib
import html
import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, TextField
from django.urls import NoReverseMatch, URLResolver, reverse

from comments.models import Comment
from comments.moderation import approve, mark_spam

HUGE = "99999999999999999999"
# Values a hand-edited URL may carry into any parameter.
ODD_VALUES = (HUGE, "-1", "0", "abc", "", "%00", "1.5", "9999")
# Fewer for lookups on every field of every model, which multiply.
FIELD_VALUES = (HUGE, "abc", "%00")
FIELD_LOOKUPS = ("__exact", "__isnull")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="root", email="root@example.org", password="pw")


@pytest.fixture
def objects(section, pending_comment, moderator, superuser, article):
    """At least one object of every model the admin shows, with history and decisions."""
    section.body = "A second version."
    section.save()
    approve(pending_comment, by=moderator)
    mark_spam(pending_comment, by=moderator)
    LogEntry.objects.log_actions(
        user_id=superuser.pk, queryset=[article], action_flag=CHANGE, change_message="Changed", single_object=True
    )


def _editing_paths(article):
    """The article's draft pages, with revision numbers at their extremes."""
    paths = [
        reverse(f"admin:articles_article_{view}", args=[article.pk])
        for view in ("revisions", "publish", "discard", "presence")
    ]
    paths.append(reverse("article_draft_preview", args=[article.pk]))
    compare = reverse("admin:articles_article_compare", args=[article.pk])
    revisions = [str(pk) for pk in article.revisions.values_list("pk", flat=True)]
    for a in revisions + list(ODD_VALUES):
        paths += [f"{compare}?a={a}&b={b}" for b in revisions + [HUGE, "abc"]]
    for number in revisions + [HUGE, "0", "9999"]:
        paths.append(reverse("admin:articles_article_revision", args=[article.pk, number]))
    for number in (HUGE, "0"):
        paths.append(reverse("article_draft_preview", args=[number]))
    return paths


def _admin_paths(model, model_admin):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = reverse(f"{prefix}_changelist")
    paths = [changelist, changelist + "?_popup=1", changelist + "?e=1", reverse(f"{prefix}_add")]
    field_names = [field.name for field in model._meta.get_fields()]
    for name in field_names:
        paths.append(f"{changelist}?_popup=1&_to_field={name}")
    for value in ODD_VALUES:
        paths += [f"{changelist}?p={value}", f"{changelist}?o={value}", f"{changelist}?q={value}"]
    for value in FIELD_VALUES:
        paths += [f"{changelist}?{name}{lookup}={value}" for name in field_names for lookup in FIELD_LOOKUPS]
    for spec in model_admin.list_filter:
        parameter = getattr(spec, "parameter_name", None)
        if parameter:
            paths += [f"{changelist}?{parameter}={value}" for value in ODD_VALUES]
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        for year in (HUGE, "9999", "0", "-1", "1", "abc"):
            paths += [
                f"{changelist}?{field}__year={year}",
                f"{changelist}?{field}__year={year}&{field}__month=12",
                f"{changelist}?{field}__year={year}&{field}__month=12&{field}__day=31",
                f"{changelist}?{field}__year=2026&{field}__month={year}",
                f"{changelist}?{field}__year=2026&{field}__month=2&{field}__day={year}",
            ]
    for obj in model._default_manager.all()[:3]:
        for view in ("change", "history", "delete"):
            paths.append(reverse(f"{prefix}_{view}", args=[obj.pk]))
            paths.append(reverse(f"{prefix}_{view}", args=[obj.pk]) + "?_popup=1&_to_field=id")
        if hasattr(obj, "revisions"):
            paths += _editing_paths(obj)
    for value in ODD_VALUES:
        for view in ("change", "history", "delete"):
            # Some of the values do not fit the URL pattern at all.
            with contextlib.suppress(NoReverseMatch):
                paths.append(reverse(f"{prefix}_{view}", args=[value or "x"]))
    return paths


def argument_free_admin_paths(patterns=None, prefix="/admin/"):
    """Every admin page that takes no argument, the admins' own views
    included, so that one added later is walked without being listed."""
    for entry in admin.site.get_urls() if patterns is None else patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from argument_free_admin_paths(entry.url_patterns, text)
        elif "<" not in text and "(?P" not in text:
            yield text


def all_admin_paths():
    paths = ["/admin/", "/admin/password_change/", "/admin/jsi18n/", "/admin/logout/"]
    for model, model_admin in admin.site._registry.items():
        paths += _admin_paths(model, model_admin)
        paths.append(f"/admin/{model._meta.app_label}/")
    content_type = ContentType.objects.get(app_label="articles", model="article")
    paths += [f"/admin/r/{content_type.pk}/{value or 'x'}/" for value in ODD_VALUES]
    paths += [f"/admin/r/{value or 'x'}/1/" for value in ODD_VALUES]
    paths += [
        f"/admin/autocomplete/?app_label={label}&model_name={model}&field_name={field}&term=a"
        for label, model, field in (("comments", "comment", "article"), ("x", "y", "z"), ("auth", "user", "groups"))
    ]
    paths += [path for path in argument_free_admin_paths() if path not in paths]
    return paths


@pytest.mark.parametrize("role", ["superuser", "editor", "moderator", "staff_user"])
def test_no_admin_url_answers_with_a_server_error(client, request, objects, role):
    client.force_login(request.getfixturevalue(role))
    client.raise_request_exception = False
    failures = []
    for path in all_admin_paths():
        status = client.get(path).status_code
        if status >= 500:
            failures.append(f"{status} {path}")
    assert not failures, "\n".join(failures)


def _text_fields(model):
    return [field.name for field in model._meta.concrete_fields if isinstance(field, (CharField, TextField))]


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_a_lookup_the_list_does_not_offer_is_refused_with_the_sites_400_page(client, superuser, objects, model):
    client.force_login(superuser)
    client.raise_request_exception = False
    for name in _text_fields(model):
        response = client.get(f"{_changelist(model)}?{name}__regex=((((")
        assert response.status_code == 400, name
        assert "Your request could not be read" in response.content.decode()


def test_a_lookup_on_a_field_the_model_lacks_is_refused(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:comments_comment_changelist"), {"no_such_field": "1"}).status_code == 400


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_every_link_a_list_offers_opens_it(client, superuser, objects, model):
    client.force_login(superuser)
    changelist = _changelist(model)
    page = client.get(changelist, {"status__exact": "all"} if model is Comment else {}).content.decode()
    links = {html.unescape(query) for query in re.findall(r'href="(\?[^"]*)"', page)}
    assert links
    failures = [query for query in sorted(links) if client.get(changelist + query).status_code != 200]
    assert not failures


def test_the_walk_reaches_the_admins_own_pages_without_arguments(db):
    assert reverse("admin:comments_comment_email_notices") in all_admin_paths()
