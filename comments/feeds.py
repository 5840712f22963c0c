import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Comment

# What XML 1.0 cannot carry. The form and the database refuse control
# characters, but a comment stored before they did must not break the feed.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value):
    return NOT_XML.sub("", value)


class LatestCommentsFeed(Feed):
    """Approved comments and replies, newest first. Carries names and text only: never an email address."""

    feed_type = Atom1Feed
    subtitle = "Reader comments, published after review by a moderator."
    items_shown = 30

    def title(self):
        return f"{settings.SITE_NAME}: latest comments"

    def link(self):
        return reverse("articles:home")

    def feed_url(self):
        return reverse("comments:feed")

    def items(self):
        return (
            Comment.objects.public()
            .select_related("article", "parent")
            .order_by("-created_at", "-pk")[: self.items_shown]
        )

    def item_title(self, comment):
        if comment.parent is None:
            return xml_text(f"{comment.name} on {comment.article.title}")
        answered = "a removed comment" if comment.parent.is_removed else comment.parent.name
        return xml_text(f"{comment.name} replied to {answered} on {comment.article.title}")

    def item_description(self, comment):
        return xml_text(comment.body_html)

    def item_author_name(self, comment):
        return xml_text(comment.name)

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.moderated_at or comment.created_at
