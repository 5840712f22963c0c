from django.http import Http404

# The largest primary key a database column holds (a 64-bit integer).
LARGEST_KEY = 2**63 - 1


def primary_key_or_404(value):
    """A number from a URL that can name a row, or 404: past 64 bits the database cannot even look."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("No such object.") from None
    if not 0 < number <= LARGEST_KEY:
        raise Http404("No such object.")
    return number
