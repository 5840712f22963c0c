from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class SiteConfig(AppConfig):
    """ta1 itself, installed for its management commands (backup, restore,
    reset_second_factor)."""

    name = "ta1"


class AdminConfig(DjangoAdminConfig):
    default_site = "ta1.admin_site.AdminSite"
