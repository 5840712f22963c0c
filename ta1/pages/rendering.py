"""What every variant of the article page is rendered from: its context and template."""

from django.conf import settings
from django.core.paginator import Paginator
from django.template import loader

from comments.forms import CommentForm
from comments.models import Comment

TEMPLATE = "articles/article_detail.html"
WORDS_PER_MINUTE = 200


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def comment_paginator(article):
    """Pages of whole threads (a top-level comment with all its replies), so
    that a thread is never split across two pages."""
    return Paginator(Comment.objects.filter(article_id=article.pk).threads(), settings.COMMENTS_PER_PAGE)


def page_context(article, comment_page, *, sections=None, **personal):
    """What the template needs. The page's own address comes from SITE_URL,
    never from the request, so no header a client sends can change the bytes."""
    sections = list(article.sections.all() if sections is None else sections)
    words = sum(len(section.body.split()) for section in sections)
    query = f"?page={comment_page.number}" if comment_page.number > 1 else ""
    return {
        "site_name": settings.SITE_NAME,
        "article": article,
        "canonical_url": absolute(article.get_absolute_url() + query),
        "sections": sections,
        "reading_minutes": max(1, round(words / WORDS_PER_MINUTE)),
        "comment_count": Comment.objects.approved().filter(article_id=article.pk).count(),
        "comment_page": comment_page,
        "comment_form": CommentForm(article=article),
        "personal": bool(personal),
        **personal,
    }


def render_page(context):
    return loader.render_to_string(TEMPLATE, context).encode()
