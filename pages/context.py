"""What every variant of the article page is rendered from: its context and template."""

from django.conf import settings
from django.core.paginator import Paginator
from django.template import loader

from comments.forms import CommentForm
from comments.models import Comment
from web.links import absolute

TEMPLATE = "articles/article_detail.html"
WORDS_PER_MINUTE = 200


class ThreadPaginator(Paginator):
    """A paginator that reads a page from its first key rather than past an
    OFFSET of whole rows: it finds the thread just outside the page in the
    index alone (never reading the rows beyond it), from whichever end of the
    discussion is nearer, and reads on from there. The newest page, the one
    readers land on, is read from the newest thread back, with no OFFSET at
    all. Its object list is ordered as comments are (created_at, pk); its
    count is given, not counted."""

    def __init__(self, threads, per_page, *, count):
        super().__init__(threads, per_page)
        self.count = count

    def page(self, number):
        number = self.validate_number(number)
        before = (number - 1) * self.per_page
        after = max(0, self.count - number * self.per_page)
        if after < before:
            threads = self._threads_from(self.object_list.reverse(), after, "earlier_than")
            shown = list(threads.with_shown_replies()[: self.count - before - after])[::-1]
        else:
            shown = self._threads_from(self.object_list, before, "later_than").with_shown_replies()[: self.per_page]
        return self._get_page(shown, number, self)

    @staticmethod
    def _threads_from(threads, skipped, beyond):
        """`threads` past the first `skipped` of them, in their order."""
        if not skipped:
            return threads
        last_skipped = next(iter(threads.only("created_at")[skipped - 1 : skipped]), None)
        # None only if threads went away after the count was read.
        return getattr(threads, beyond)(last_skipped) if last_skipped else threads.none()


def comment_paginator(article):
    """Pages of whole threads (a top-level comment with all its replies), so
    that a thread is never split across two pages. The number of threads is
    the article's own (comments/counts.py): no page counts them."""
    threads = Comment.objects.filter(article_id=article.pk).threads()
    return ThreadPaginator(threads, settings.COMMENTS_PER_PAGE, count=article.thread_count)


def page_context(article, comment_page, *, sections=None, **personal):
    """What the template needs. The page's own address comes from SITE_URL,
    never from the request, so no header a client sends can change the bytes."""
    sections = list(article.sections.all() if sections is None else sections)
    words = sum(len(section.body.split()) for section in sections)
    # The newest page is the bare address; an older one keeps its number as newer ones are added.
    query = f"?page={comment_page.number}" if comment_page.has_next() else ""
    return {
        "site_name": settings.SITE_NAME,
        "article": article,
        "canonical_url": absolute(article.get_absolute_url() + query),
        "sections": sections,
        "reading_minutes": max(1, round(words / WORDS_PER_MINUTE)),
        "comment_count": article.comment_count,
        "comment_page": comment_page,
        "comment_form": CommentForm(article=article),
        "personal": bool(personal),
        **personal,
    }


def render_page(context):
    return loader.render_to_string(TEMPLATE, context).encode()
