from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    """The staff groups, kept to their roles (roles.py) by every `migrate`."""

    name = "staff"

    def ready(self):
        from .roles import grant

        post_migrate.connect(grant, dispatch_uid="staff.roles.grant")
