from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = ("moderate_comment", "view_comment", "change_comment", "view_moderationdecision")


def grant_moderation(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create
    # this app's now so that a fresh database gets a complete group.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(content_type__app_label="comments", codename__in=MODERATOR_PERMISSIONS)
    )


def revoke_moderation(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="comments", codename__in=MODERATOR_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0002_editor_and_moderator_groups"),
    ]

    operations = [migrations.RunPython(grant_moderation, revoke_moderation)]
