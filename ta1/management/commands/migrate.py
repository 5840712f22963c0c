from django.core.management import CommandError
from django.core.management.commands import migrate
from django.db import connections
from django.db.migrations.loader import MigrationLoader


class Command(migrate.Command):
    """Django's migrate, refusing a database part-way through migrations that
    were since squashed: the migrations that would take it on are gone."""

    def handle(self, *args, **options):
        loader = MigrationLoader(connections[options["database"]])
        for (app_label, name), squash in loader.replacements.items():
            applied = [replaced for replaced in squash.replaces if replaced in loader.applied_migrations]
            if applied and len(applied) < len(squash.replaces):
                raise CommandError(
                    f"This database stopped part-way through the {app_label} app's old migrations (at "
                    f"{applied[-1][1]}), which this release has replaced with {name}. Migrate it with the "
                    "previous release first, then with this one."
                )
        super().handle(*args, **options)
