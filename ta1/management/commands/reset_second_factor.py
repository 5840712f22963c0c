from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ta1.second_factor import reset


class Command(BaseCommand):
    help = "Forget a staff member's authenticator app and backup codes (a lost phone); their next sign-in sets up a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"There is no account named {username!r}.") from None
        reset(user)
        self.stdout.write(f"{username} has no second factor now: their next sign-in to the admin sets up a new one.")
