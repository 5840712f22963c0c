from django.conf import settings
from django.core.management.base import BaseCommand

from comments.privacy import purge


class Command(BaseCommand):
    help = (
        "Forget commenters' address hashes and user agents after COMMENTS_KEEP_TRACES_DAYS and delete "
        "rejected and spam comments after COMMENTS_KEEP_REFUSED_DAYS. Safe to run from cron, as often as you like."
    )

    def handle(self, *args, **options):
        cleared, deleted = purge()
        self.stdout.write(
            f"Cleared the address hash and user agent of {cleared} comment{'s' if cleared != 1 else ''} older than "
            f"{settings.COMMENTS_KEEP_TRACES_DAYS} days; deleted {deleted} rejected or spam "
            f"comment{'s' if deleted != 1 else ''} older than {settings.COMMENTS_KEEP_REFUSED_DAYS} days."
        )
