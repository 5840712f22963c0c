import argparse

from django.core.management.base import BaseCommand, CommandError

from ta1.backups import BackupError, backup


def number_of_backups(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of backups, 1 or more, not {text!r}")
    return int(text)


class Command(BaseCommand):
    help = "Write a consistent copy of the database to PATH while the site keeps serving."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="the file to write, e.g. backups/ta1-2025-01-06.sqlite3 (or .dump for PostgreSQL)"
        )
        parser.add_argument(
            "--keep",
            type=number_of_backups,
            metavar="N",
            help="then delete all but the newest N backups this command wrote to that directory (never other files)",
        )

    def handle(self, *args, path, keep, **options):
        try:
            written = backup(path, keep=keep)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up the database to {written}.")
