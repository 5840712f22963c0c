"""The one renderer of the article page.

Without keyword arguments it answers with the shared public page (see
shared.py): the same bytes for every reader of a version. With any of them the
page is made for one person (a commenter, an editor, a moderator): rendered
afresh, `Cache-Control: no-store`, `noindex` in the page and in
`X-Robots-Tag`, and never stored anywhere.
"""

from django.http import HttpResponse

from comments import replies
from web.responses import private

from .context import comment_paginator, page_context, render_page
from .shared import shared_response


def render_article_page(
    request, article, *, sections=None, banner=None, pending_comment=None, message=None, status=200
):
    """The article page. Without keyword arguments: the shared public page for
    the comment page the request names. With any: a page for this person only.

    - `sections` replace the published ones (an editor's draft preview;
      `article` may be an unsaved draft copy);
    - `banner`: a short text in a clearly marked preview banner;
    - `pending_comment`: a comment shown in place, marked "Awaiting review":
      a reply as the last of its thread's replies, on the page that holds
      the thread; any other at the end of the newest page of comments;
    - `message`: a status message that receives focus and is announced.
    """
    personal = {
        name: value
        for name, value in (("banner", banner), ("pending_comment", pending_comment), ("message", message))
        if value is not None
    }
    if sections is None and not personal and status == 200:
        return shared_response(request, article)
    paginator = comment_paginator(article)
    # The newest page, as readers land on it, unless an older one is named.
    number = request.GET.get("page") if pending_comment is None else _pending_page(pending_comment)
    context = page_context(article, paginator.get_page(number or paginator.num_pages), sections=sections, **personal)
    context["personal"] = True
    if pending_comment is not None and pending_comment.parent_id in {thread.pk for thread in context["comment_page"]}:
        context["pending_thread_id"] = pending_comment.parent_id
    return private(HttpResponse(render_page(context), status=status))


def _pending_page(comment):
    """The page that holds a reply's thread; None (the newest) for a
    top-level comment, or a reply whose thread readers no longer see."""
    if comment.parent_id is None or not comment.parent.thread_shown:
        return None
    return replies.thread_page(comment.parent)
