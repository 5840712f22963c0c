import json

from django.core.management.base import BaseCommand

from comments.privacy import export_comments


class Command(BaseCommand):
    help = "Print every comment sent from one email address as JSON, for a data-protection request."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        self.stdout.write(json.dumps(export_comments(email), indent=2, ensure_ascii=False))
