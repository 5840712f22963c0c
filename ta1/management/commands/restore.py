from django.core.management.base import BaseCommand, CommandError

from ta1.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace everything in the database with the backup at PATH (written by `manage.py backup`)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="do not ask for confirmation"
        )

    def handle(self, *args, path, interactive, **options):
        if interactive:
            answer = input(f"This replaces everything in the database with {path}. Type 'yes' to go on: ")
            if answer != "yes":
                raise CommandError("Nothing was restored.")
        try:
            restore(path)
        except (BackupError, OSError) as error:
            raise CommandError(f"{error} Nothing was restored.") from None
        self.stdout.write(f"Restored the database from {path}.")
