"""Whatever arrives at the comment form, the answer is a 4xx or the form again
with its errors, never a server error, and a comment is stored whole or not
at all."""

import itertools
import re
from urllib.parse import quote_from_bytes

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from comments import text
from comments.models import Comment

FORM = "application/x-www-form-urlencoded"

hypothesis_settings = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TRICKY = [
    "\x00",  # NUL: PostgreSQL refuses it in text
    "\ud800",  # lone surrogates: not encodable as UTF-8
    "\udfff",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte-order mark
    "\r\n",
    "\r",
    "<script>alert(1)</script>",
    "&amp;",
    "%",
    "=",
    "+",
    "😀",
    "é",
]

# Any code point (surrogates included), with the tricky ones made likely.
any_text = st.lists(st.one_of(st.characters(exclude_categories=()), st.sampled_from(TRICKY)), max_size=60).map("".join)


def url_for(article):
    return reverse("comments:post", kwargs={"slug": article.slug})


def raw_form(fields):
    """URL-encode as a browser would, but let lone surrogates through as the
    invalid UTF-8 bytes a broken client would send."""
    return "&".join(
        f"{quote_from_bytes(name.encode())}={quote_from_bytes(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in fields.items()
    )


def as_received(value):
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def assert_whole_or_nothing(response, before, sent=None):
    event(f"status {response.status_code}")
    assert response.status_code < 500
    new = list(Comment.objects.exclude(pk__in=before))
    if response.status_code == 302:
        assert len(new) <= 1
        if sent and new:
            assert new[0].name == as_received(sent["name"]).strip()
            assert new[0].body == text.normalise(as_received(sent["body"]))
    else:
        assert 400 <= response.status_code < 500
        assert new == []


def existing():
    return set(Comment.objects.values_list("pk", flat=True))


@pytest.fixture
def lifted_limits(settings):
    settings.COMMENTS_RATE_LIMIT = 10**6


@hypothesis_settings
@given(name=any_text, email=st.one_of(any_text, st.emails()), body=any_text)
def test_any_text_in_any_field_gets_a_clear_answer(client, article, lifted_limits, name, email, body):
    cache.clear()
    before = existing()
    sent = {"name": name, "email": email, "body": body, "website": ""}
    response = client.post(url_for(article), raw_form(sent), content_type=FORM)
    assert_whole_or_nothing(response, before, sent)
    if response.status_code == 400:
        assert "There is a problem with your comment" in response.content.decode()


# What the form accepts: no control characters but tab and line breaks, and a
# name within its length limit once any invalid UTF-8 is replaced.
CONTROL_CHARACTERS = "".join(chr(code) for code in range(0xA0) if re.match(text.CONTROL_CHARACTERS, chr(code)))
valid_text = st.lists(
    st.one_of(
        st.characters(exclude_categories=(), exclude_characters=CONTROL_CHARACTERS),
        st.sampled_from([piece for piece in TRICKY if "\x00" not in piece]),
    ),
    max_size=60,
).map("".join)
# Names are one line (they travel into email subjects): no control characters.
valid_name = (
    valid_text.map(lambda name: f"A{name}")
    .filter(lambda name: len(as_received(name).strip()) <= Comment.NAME_MAX_LENGTH)
    .filter(lambda name: not any(ch < " " or ch in "\x7f\u2028\u2029" for ch in as_received(name)))
)
senders = itertools.count()


@hypothesis_settings
@given(name=valid_name, body=valid_text)
def test_valid_comments_with_any_text_are_stored_exactly_as_received(client, article, lifted_limits, name, body):
    cache.clear()
    before = existing()
    sent = {
        "name": name,
        # A new sender each time, so no example is dropped as a resubmission of an earlier one.
        "email": f"reader{next(senders)}@example.org",
        "body": f"B{body}",
        "website": "",
    }
    response = client.post(url_for(article), raw_form(sent), content_type=FORM)
    assert response.status_code == 302
    [stored] = Comment.objects.exclude(pk__in=before)
    assert (stored.name, stored.body) == (as_received(sent["name"]).strip(), text.normalise(as_received(sent["body"])))


MALFORMED_PIECES = [
    b"%",
    b"%Z",
    b"%ZZ",
    b"%E0%A4",
    b"%ED%A0%80",
    b"&",
    b"=",
    b"==&&",
    b"name=",
    b"body=",
    b"+",
    b"\xff\xfe",
    b"\xc0\x80",
    b"\x00",
]
CONTENT_TYPES = [
    FORM,
    FORM + "; charset=latin-1",
    FORM + "; charset=no-such-charset",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "text/plain",
    "application/json",
]


@hypothesis_settings
@given(
    body=st.lists(st.one_of(st.sampled_from(MALFORMED_PIECES), st.binary(max_size=40)), max_size=30).map(b"".join),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_malformed_encodings_get_a_4xx_or_the_form(client, article, lifted_limits, body, content_type):
    cache.clear()
    before = existing()
    # generic() sends the bytes as they are, whatever charset the header claims.
    response = client.generic("POST", url_for(article), body, content_type=content_type)
    assert_whole_or_nothing(response, before)


CONTROL_CHARACTER_ERROR = "Remove the invisible control characters"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Ada \x9b31m Reader"),
        ("email", '"ada\x07"@example.org'),
        ("body", "Ring \x07 the bell."),
        ("body", "\x1b[31mRed\x1b[0m words."),
        ("website", "\x07"),
    ],
)
def test_a_control_character_in_any_field_gets_a_clear_error(client, article, comment_data, field, value):
    response = client.post(url_for(article), {**comment_data, field: value})
    assert response.status_code == 400
    assert CONTROL_CHARACTER_ERROR in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_refused_for_a_control_character_is_given_back_as_typed(client, article, comment_data):
    response = client.post(url_for(article), {**comment_data, "body": "\x1b[31mRed\x1b[0m words."})
    assert "\x1b[31mRed\x1b[0m words.</textarea>" in response.content.decode()


@pytest.mark.parametrize("field", ["name", "email", "body"])
def test_the_database_refuses_a_control_character_in_any_text_it_stores(article, field):
    values = {"name": "Ada", "email": "ada@example.org", "body": "Hello.", field: "Ring\x07"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(article=article, **values)


def test_nul_in_a_comment_gets_a_clear_error(client, article, comment_data):
    response = client.post(url_for(article), {**comment_data, "body": "Before\x00after"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("character", ["a", "é", "😀", "\u200b"])
def test_a_one_megabyte_comment_gets_a_clear_error_and_stores_nothing(client, article, comment_data, character):
    # 1 MB of text; as UTF-8 some of these exceed the upload limit and are
    # refused before the form sees them.
    response = client.post(url_for(article), {**comment_data, "body": character * 1_000_000})
    assert 400 <= response.status_code < 500
    assert not Comment.objects.exists()


def test_a_request_over_the_upload_limit_is_refused(client, article, comment_data, settings):
    oversized = "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(url_for(article), {**comment_data, "body": oversized})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_request_with_too_many_fields_is_refused(client, article, comment_data, settings):
    extra = "&".join(f"f{n}=x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post(url_for(article), raw_form(comment_data) + "&" + extra, content_type=FORM)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_comment_sent_from_another_site_is_refused(client, article, comment_data):
    response = client.post(url_for(article), comment_data, headers={"sec-fetch-site": "cross-site"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_refused_form_gives_the_reader_their_comment_back(client, article, comment_data):
    response = client.post(
        url_for(article),
        {**comment_data, "body": "My <careful> words."},
        headers={"origin": "https://elsewhere.example"},
    )
    page = response.content.decode()
    assert "Your form could not be sent" in page
    assert "My &lt;careful&gt; words.</textarea>" in page
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "origin",
    [
        "null",
        "https://testserver",
        "http://testserver:8000",
        "http://testserver.evil.example",
        "http://evil.example",
        "http://testserver/",
        "testserver",
        "http://",
        "http://[::1",
        "\u00e9",
        "http://user@testserver",
    ],
)
def test_any_origin_but_the_sites_own_is_refused(client, article, comment_data, origin):
    response = client.post(url_for(article), comment_data, headers={"origin": origin})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_post_from_the_sites_own_page_is_accepted(client, article, comment_data):
    """The refusals above are for other origins, not for every post."""
    headers = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    response = client.post(url_for(article), comment_data, headers=headers)
    assert response.status_code == 302
    assert Comment.objects.count() == 1
