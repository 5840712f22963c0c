from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.core.signals import request_finished

from .logging import forget_request_id


class SiteConfig(AppConfig):
    """ta1 itself, installed for its management commands (ta1/management/commands/)."""

    name = "ta1"

    def ready(self):
        # Lines logged once a response is closed belong to no request.
        request_finished.connect(forget_request_id, dispatch_uid="ta1.forget_request_id")


class AdminConfig(DjangoAdminConfig):
    default_site = "ta1.admin_site.AdminSite"
