from django.utils.cache import add_never_cache_headers


def private(response):
    """A page made for one person (a commenter, an editor, a moderator):
    never stored by a browser or a shared cache, never indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
