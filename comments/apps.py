from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from outbox import sender

        from . import notifications

        # The outbox tells which emails went out; a comment records its notices as sent.
        sender.when_sent(notifications.email_sent)
