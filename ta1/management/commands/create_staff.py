from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from staff.roles import ROLES

# --editor for Editors, and so on.
FLAGS = {group.lower().removesuffix("s"): group for group in ROLES}


class Command(BaseCommand):
    help = (
        "Create a staff account in the Editors, Moderators or Reviewers group and print a link, "
        "good once, where its owner sets their own password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        roles = parser.add_argument_group("role (at least one)")
        for role, group in FLAGS.items():
            roles.add_argument(
                f"--{role}", action="append_const", const=group, dest="groups", help=f"a member of {group}"
            )

    def handle(self, *args, username, email, groups, **options):
        if not groups:
            raise CommandError("Choose a role: --editor, --moderator or --reviewer (or several).")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"An account named {username!r} exists already.")
        found = Group.objects.filter(name__in=groups)
        if found.count() != len(set(groups)):
            raise CommandError("The staff groups are missing: run `manage.py migrate` first.")
        with transaction.atomic():
            # No password until its owner sets one through the link.
            user = User.objects.create_user(username=username, email=email, password=None, is_staff=True)
            user.groups.set(found)
        path = reverse(
            "password_set",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        days = settings.PASSWORD_RESET_TIMEOUT // 86400
        self.stdout.write(f"Created {username} ({', '.join(sorted(set(groups)))}).")
        self.stdout.write(f"Send them this link to set their password; it works once, for {days} days:")
        self.stdout.write(urljoin(settings.SITE_URL, path))
