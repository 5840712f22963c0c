"""Whatever a client sends, to any address, the answer is never a server
error: unreadable input gets the site's 400 page with the site's headers."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FORM = "application/x-www-form-urlencoded"
URLS = [
    "/",
    "/articles/a-test-article/",
    "/articles/a-test-article/comments/",
    "/admin/login/",
    "/healthz",
    "/comments/feed/",
    "/robots.txt",
    "/no-such-page/",
]
CHARSETS = [
    "utf-8",
    "UTF-8",
    "latin-1",
    "iso-8859-1",
    "utf-16",
    "utf-7",
    "cp1252",
    "ascii",
    "no-such-charset",
    "",
    '"utf-8"',
    "utf-8; charset=latin-1",
]
CONTENT_TYPES = [FORM, "multipart/form-data; boundary=xyz", "multipart/form-data", "text/plain", "application/json", ""]
header_value = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=80)


def assert_site_answered(response):
    assert response.status_code < 500
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("url", URLS)
def test_a_form_in_latin_1_gets_the_sites_400_page(client, article, url):
    response = client.post(url, "name=Jos%E9", content_type=f"{FORM}; charset=latin-1")
    assert response.status_code == 400
    assert "Your request could not be read" in response.content.decode()
    assert_site_answered(response)


def test_a_form_in_latin_1_gets_a_400_when_csrf_is_checked(article):
    response = Client(enforce_csrf_checks=True).post(
        "/articles/a-test-article/comments/", "body=caf%E9", content_type=f"{FORM}; charset=latin-1"
    )
    assert response.status_code == 400


def test_too_many_query_parameters_get_the_sites_400_page_when_errors_are_mailed(client, article, settings, mailoutbox):
    settings.ADMINS = [("Ops", "ops@example.org")]
    response = client.get("/articles/a-test-article/?" + "&".join("a" for _ in range(1500)))
    assert response.status_code == 400
    assert "Your request could not be read" in response.content.decode()
    assert_site_answered(response)


def test_too_many_form_fields_get_the_sites_400_page(client, article, settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    response = client.post("/admin/login/", "&".join(f"f{n}=x" for n in range(1500)), content_type=FORM)
    assert response.status_code == 400
    assert_site_answered(response)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    url=st.sampled_from(URLS),
    method=st.sampled_from(["GET", "POST", "HEAD", "PUT", "OPTIONS"]),
    content_type=st.sampled_from(CONTENT_TYPES),
    charset=st.sampled_from(CHARSETS),
    body=st.binary(max_size=300),
    query=st.text(max_size=60),
    headers=st.fixed_dictionaries(
        {},
        optional={
            "HTTP_USER_AGENT": header_value,
            "HTTP_ACCEPT_LANGUAGE": header_value,
            "HTTP_COOKIE": header_value,
            "HTTP_X_FORWARDED_FOR": header_value,
            "HTTP_X_FORWARDED_PROTO": header_value,
            "HTTP_REFERER": header_value,
            "HTTP_ACCEPT": header_value,
            "HTTP_IF_MODIFIED_SINCE": header_value,
        },
    ),
)
def test_any_body_headers_and_charset_to_any_address_get_an_answer_that_is_not_a_server_error(
    client, article, url, method, content_type, charset, body, query, headers
):
    full_type = f"{content_type}; charset={charset}" if content_type and charset else content_type
    response = client.generic(method, f"{url}?{query}", body, content_type=full_type, **headers)
    assert_site_answered(response)
