"""Error reports to Sentry (SENTRY_DSN) carry no reader's address or comment."""

import copy
import json
import os
import subprocess
import sys

from django.conf import settings

from ta1.sentry import FILTERED, before_send

ADDRESS = "ada.reader@example.org"
COMMENT = "Since starting thymosin my CD4 count has doubled, should I tell my oncologist?"

# An error while a reader posted a comment, as the SDK's Django and logging
# integrations report it.
EVENT = {
    "level": "error",
    "platform": "python",
    "server_name": "app-1",
    "transaction": "/articles/{slug}/comments/",
    "logger": "comments.notifications",
    "logentry": {"message": "Could not send the notice to %s", "params": [ADDRESS]},
    "exception": {
        "values": [
            {
                "type": "SMTPRecipientsRefused",
                "value": f"{{'{ADDRESS}': (550, b'5.1.1 <{ADDRESS}>: Recipient address rejected')}}",
                "module": "smtplib",
                "mechanism": {"type": "django", "handled": False},
                "stacktrace": {"frames": [{"filename": "comments/notifications.py", "function": "send", "lineno": 42}]},
            }
        ]
    },
    "extra": {"email": ADDRESS, "comment_body": COMMENT, "status": 500},
    "breadcrumbs": {
        "values": [
            {
                "category": "comments",
                "message": f"Held for review: a comment from {ADDRESS}",
                "data": {"name": "Ada Reader", "body": COMMENT},
            }
        ]
    },
    "request": {
        "url": "https://ta1.example.org/articles/thymosin-alpha-1/comments/",
        "method": "POST",
        "query_string": f"from={ADDRESS}",
        "headers": {"Cookie": "comments_sent=abc; csrftoken=xyz", "User-Agent": "Mozilla/5.0"},
        "cookies": {"comments_sent": "abc"},
        "data": {"name": "Ada Reader", "email": ADDRESS, "body": COMMENT},
    },
    "contexts": {"runtime": {"name": "CPython", "version": "3.11.7"}},
    "sdk": {"name": "sentry.python.django", "version": "2.0.0"},
}


def sent(event=EVENT):
    return json.dumps(before_send(copy.deepcopy(event), hint={}))


def test_an_error_report_keeps_no_readers_address():
    assert ADDRESS not in sent()
    assert FILTERED in sent()


def test_an_error_report_keeps_no_comment_text():
    assert "oncologist" not in sent()


def test_an_error_report_keeps_no_cookies():
    assert "comments_sent" not in sent()


def test_an_error_report_still_says_what_failed_and_where():
    report = json.loads(sent())
    assert report["exception"]["values"][0]["type"] == "SMTPRecipientsRefused"
    assert report["request"]["url"] == EVENT["request"]["url"]
    assert report["extra"]["status"] == 500
    assert report["sdk"] == EVENT["sdk"]


def sentry_options(**variables):
    code = (
        "import django, json, sentry_sdk, ta1.sentry; django.setup(); client = sentry_sdk.get_client(); "
        "print(json.dumps({'active': client.is_active(), 'scrubbed': client.options['before_send'] is ta1.sentry.before_send, "
        "**{name: client.options[name] for name in ('send_default_pii', 'max_request_body_size', 'include_local_variables')}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ta1.settings", **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_a_sentry_dsn_turns_on_error_reports_without_personal_data():
    assert sentry_options(SENTRY_DSN="https://public@sentry.example.org/1") == {
        "active": True,
        "scrubbed": True,
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
    }


def test_without_a_sentry_dsn_nothing_is_reported():
    assert sentry_options(SENTRY_DSN="")["active"] is False
