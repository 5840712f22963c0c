from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWER_PERMISSIONS = ("review_article", "view_article", "view_section", "view_review")


def create_reviewers_and_clear_unearned_dates(apps, schema_editor):
    # As in 0002: this app's permissions exist only after all migrations have
    # run unless created here, and the groups need them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    articles_permissions = Permission.objects.filter(content_type__app_label="articles")
    reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    reviewers.permissions.add(*articles_permissions.filter(codename__in=REVIEWER_PERMISSIONS))
    # Editors see an article's reviews on its page; only reviewers add them.
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*articles_permissions.filter(codename="view_review"))
    # No review has been recorded before this migration, so every review date
    # in the database is one that load_article stamped on the day it ran.
    apps.get_model("articles", "Article").objects.update(last_reviewed=None, next_review_due=None)


def remove_reviewers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Reviewers").delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_reviews")]

    operations = [migrations.RunPython(create_reviewers_and_clear_unearned_dates, remove_reviewers)]
