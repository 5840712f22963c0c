from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = (
    "add_article", "change_article", "view_article",
    "add_section", "change_section", "delete_section", "view_section",
    "view_historicalsection",
)


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create
    # this app's now so that a fresh database gets complete groups.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=EDITOR_PERMISSIONS)
    )
    Group.objects.get_or_create(name="Moderators")


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=("Editors", "Moderators")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
