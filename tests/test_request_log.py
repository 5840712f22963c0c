"""Every request has an id: sent back as X-Request-ID, named in each JSON line
logged while it is served, and in its one access line."""

import io
import json
import logging
import re

import pytest

from ta1.logging import JSONFormatter

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines():
    """The JSON lines the site writes to stdout meanwhile, as a function."""
    [stdout] = [handler for handler in logging.getLogger().handlers if isinstance(handler.formatter, JSONFormatter)]
    written = io.StringIO()
    previous = stdout.setStream(written)
    yield lambda: [json.loads(line) for line in written.getvalue().splitlines()]
    stdout.setStream(previous)


def access_lines(lines):
    return [line for line in lines if line["logger"] == "ta1.access"]


def test_every_response_names_its_request(client, db):
    assert NEW_ID.fullmatch(client.get("/healthz")["X-Request-ID"])


def test_each_request_has_an_id_of_its_own(client, db):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_the_id_a_proxy_sends_is_kept(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-5f2c9a"})
    assert response["X-Request-ID"] == "nginx-5f2c9a"


@pytest.mark.parametrize("sent", ["red\x1b[31malert", "two\nlines", "with space", "x" * 201, "caf\xe9"], ids=repr)
def test_an_id_sent_that_is_not_a_short_visible_token_is_replaced(client, db, log_lines, sent):
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    assert sent not in json.dumps(log_lines(), ensure_ascii=False)


def test_each_request_is_logged_once_with_its_method_path_status_duration_and_id(client, db, log_lines):
    response = client.get("/healthz")
    [line] = access_lines(log_lines())
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"]


def test_the_shared_article_page_is_logged_too(client, loaded_article, log_lines):
    response = client.get(loaded_article.get_absolute_url())
    [line] = access_lines(log_lines())
    assert line["request_id"] == response["X-Request-ID"]


def test_a_line_logged_while_a_request_is_served_names_it(client, db, log_lines):
    response = client.get("/no-such-page/")
    [warning] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert warning["request_id"] == response["X-Request-ID"]


def test_a_line_logged_after_the_request_names_none(client, db, log_lines):
    client.get("/healthz")
    logging.getLogger("ta1").warning("Between requests")
    [line] = [line for line in log_lines() if line["message"] == "Between requests"]
    assert "request_id" not in line


def test_access_lines_can_be_turned_off(client, db, log_lines, settings):
    settings.ACCESS_LOG = False
    client.get("/healthz")
    assert access_lines(log_lines()) == []
