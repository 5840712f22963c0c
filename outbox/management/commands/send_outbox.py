import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from outbox.sender import send_due

logger = logging.getLogger("outbox.sender")


class Command(BaseCommand):
    help = (
        "Send the emails that are due, retrying failed ones later. One pass, for cron; "
        "--loop keeps going (manage.py serve runs it beside the web server)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Repeat every OUTBOX_POLL_SECONDS until stopped.")

    def handle(self, *args, loop, **options):
        if not loop:
            self.report(*send_due())
            return
        stopping = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.append(True))
        while not stopping:
            try:
                sent, failed = send_due()
            except Exception:
                # The database may be restarting: log and keep going, so
                # mail resumes by itself once it is back.
                logger.exception("The outbox pass failed; trying again in %d s", settings.OUTBOX_POLL_SECONDS)
            else:
                if sent or failed:
                    self.report(sent, failed)
            close_old_connections()
            for _ in range(settings.OUTBOX_POLL_SECONDS * 10):
                if stopping:
                    break
                time.sleep(0.1)

    def report(self, sent, failed):
        self.stdout.write(f"Sent {sent} email{'s' if sent != 1 else ''}, {failed} to retry later.")
