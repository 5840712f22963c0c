from django.core.management.base import BaseCommand

from ta1.backups import backup


class Command(BaseCommand):
    help = "Write a consistent copy of the database to PATH while the site keeps serving."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="the file to write, e.g. backups/ta1-2025-01-06.sqlite3 (or .dump for PostgreSQL)"
        )

    def handle(self, *args, path, **options):
        written = backup(path)
        self.stdout.write(f"Backed up the database to {written}.")
