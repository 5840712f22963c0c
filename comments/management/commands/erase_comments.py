from django.core.management.base import BaseCommand, CommandError

from comments.privacy import erase_comments


class Command(BaseCommand):
    help = "Delete every comment sent from one email address, for a data-protection request."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, email, interactive, **options):
        if interactive:
            answer = input(f"Erase every comment from {email}? This cannot be undone. Type 'yes' to continue: ")
            if answer != "yes":
                raise CommandError("Nothing was erased.")
        count = erase_comments(email)
        self.stdout.write(f"Erased {count} comment{'s' if count != 1 else ''} from {email}.")
