"""The one rule for how long a comment is, and how its text becomes HTML.

A comment's length is what a reader sees: Unicode code points, after CRLF and
lone CR newlines become LF and leading and trailing whitespace is trimmed. The
form, the database constraint (which counts the stored, already normalised
body) and static/js/comment-form.js all apply this same rule.
"""

import re
import unicodedata

import nh3
from django.utils.html import escape, format_html
from linkify_it import LinkifyIt

MAX_LENGTH = 2000

# Exactly the characters JavaScript's String.prototype.trim() removes, so the
# live counter and the server agree; Python's str.strip() differs on a few.
WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# The C0 and C1 control characters but tab and the line breaks (a body's CR
# becomes LF): no reader means to type them, and XML, which the comment feed
# is, cannot carry most. Written with \u escapes, which both Python's and
# PostgreSQL's regular expressions read, since the database checks the same
# pattern.
CONTROL_CHARACTERS = r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]"

LINK_REL = "nofollow ugc noopener"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# Bare addresses ("example.org", "www.example.org") count as links, as readers
# would take them; email addresses do not become links.
_linkify = LinkifyIt(options={"fuzzy_email": False})


def normalise(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").strip(WHITESPACE)


def email_key(email):
    """The form of an address that matches it however it was typed: Unicode
    compatibility-normalised and case-folded (NFKC_Casefold), so that
    gdpr@ÜBER.example finds gdpr@über.example on any database. Case-folding
    the local part too is looser than the standard allows, and right for
    finding one person's comments."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email.strip(WHITESPACE)).casefold())


def length(text):
    return len(normalise(text))


def _links(text):
    return [link for link in _linkify.match(text) or () if not link.url.startswith("mailto:")]


def count_links(text):
    """The links render() would make, so the spam rule counts what readers would see."""
    return len(_links(text))


def _linkified(text):
    pieces, end = [], 0
    for link in _links(text):
        pieces.append(escape(text[end : link.index]))
        pieces.append(format_html('<a href="{}" rel="{}">{}</a>', link.url, LINK_REL, link.text))
        end = link.last_index
    pieces.append(escape(text[end:]))
    return "".join(pieces)


def render(text):
    """Plain text to safe HTML: every tag escaped, blank lines make paragraphs,
    single newlines make <br>, bare URLs become links readers' browsers will not vouch for."""
    paragraphs = (p.replace("\n", "<br>\n") for p in map(_linkified, _PARAGRAPH_BREAK.split(normalise(text))) if p)
    html = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    # The text was escaped piece by piece above; the sanitiser has the last word.
    return nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href", "rel"}},
        url_schemes={"http", "https"},
        link_rel=None,
    )
