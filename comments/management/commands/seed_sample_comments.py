from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.models import Article
from comments import counts
from comments.models import Comment, Status

# `make dev`'s own database (see the Makefile): samples never go anywhere else.
DEV_DATABASE = "db.dev.sqlite3"
SAMPLES = [
    (Status.APPROVED, "Sample Reader", "Thank you for laying out the trial evidence so clearly."),
    (Status.APPROVED, "Another Sample", "Is there anything on how long the effect lasts after the last dose?"),
    (Status.PENDING, "Pending Sample", "A question waiting for a moderator, to try the moderation desk with."),
    (Status.PENDING, "Second Pending", "Another comment in the queue, with a link: https://example.org/study"),
    (Status.REJECTED, "Rejected Sample", "An off-topic comment a moderator turned down."),
    (Status.SPAM, "Spam Sample", "Cheap pills at https://spam.example and https://more-spam.example"),
]


class Command(BaseCommand):
    help = f"Add a few sample comments in every state to the first article, in {DEV_DATABASE} only (make dev)."

    def handle(self, *args, **options):
        name = connection.settings_dict["NAME"]
        if connection.vendor != "sqlite" or Path(str(name)).name != DEV_DATABASE:
            raise CommandError(f"Sample comments go only into {DEV_DATABASE} (make dev), never into {name}.")
        article = Article.objects.order_by("pk").first()
        if article is None:
            raise CommandError("There is no article yet: run `manage.py load_article` first.")
        if Comment.objects.filter(email__endswith="@sample.example").exists():
            self.stdout.write("The sample comments are there already.")
            return
        for number, (status, name, body) in enumerate(SAMPLES):
            Comment.objects.create(
                article=article,
                name=name,
                email=f"reader{number}@sample.example",
                body=body,
                status=status,
                spam_reasons="Matches the blocklist: casino." if status == Status.SPAM else "",
            )
        # Written past the services that count and show a comment.
        counts.recount(article)
        self.stdout.write(
            f"Added {len(SAMPLES)} sample comments to {article.title}: approved, pending, rejected and spam."
        )
