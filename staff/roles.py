"""The staff groups and what each may do, by permission ("app_label.codename").

`migrate` gives every group exactly these permissions, whatever was added or
removed by hand since; create_staff puts people in the groups.
"""

from django.apps import apps as global_apps
from django.db import router

ROLES = {
    "Editors": {
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.publish_article",
        # The draft's sections are the article form's inline; the published
        # ones are written only by publishing.
        "articles.add_draftsection",
        "articles.change_draftsection",
        "articles.delete_draftsection",
        "articles.view_draftsection",
        "articles.view_section",
        # An article's reviews show on its page; only reviewers add them.
        "articles.view_review",
    },
    "Moderators": {
        "comments.moderate_comment",
        "comments.view_comment",
        "comments.change_comment",
        "comments.reply_as_site",
        "comments.view_moderationdecision",
        "outbox.view_outboundemail",
        "outbox.view_deliveryattempt",
        "outbox.retry_outboundemail",
    },
    "Reviewers": {
        "articles.review_article",
        "articles.view_article",
        "articles.view_section",
        "articles.view_review",
    },
}


def grant(sender, *, using, apps=global_apps, **kwargs):
    """Receives post_migrate, sent for each app after its permissions are made
    (by `migrate`, and by `flush` without `apps`): every group gets exactly
    its role's permissions of that app."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, Group):
        return
    for name, permissions in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        prefix = f"{sender.label}."
        codenames = [p.removeprefix(prefix) for p in permissions if p.startswith(prefix)]
        granted = Permission.objects.using(using).filter(content_type__app_label=sender.label, codename__in=codenames)
        others = group.permissions.exclude(content_type__app_label=sender.label)
        group.permissions.set([*others, *granted])
