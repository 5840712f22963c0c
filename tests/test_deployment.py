"""Production mode: refuses to start half-configured, passes Django's deployment checks,
logs JSON lines to stdout and mails errors to ADMINS."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from ta1.logging import JSONFormatter

ROOT = Path(__file__).resolve().parent.parent

# Variables that loosen production's defaults or checks; a developer's shell
# (or the browser tests, which set the last one) must not make these tests
# pass or fail.
LOOSENING = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_COOKIES",
    "TRUSTED_PROXY_SSL_HEADER",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "OTP_REQUIRED",
)


def run_python(code_or_args, **env):
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in LOOSENING + ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")
    }
    environ.update(env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "ta1.example.org",
    "SITE_URL": "https://ta1.example.org",
}

PRINT_SETTINGS = (
    "import django, json, sys; django.setup(); from django.conf import settings; "
    "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}))"
)


def settings_in_subprocess(*names, **env):
    result = run_python(["-c", PRINT_SETTINGS, *names], DJANGO_SETTINGS_MODULE="ta1.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_passes_every_deployment_check():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_local_mode_would_fail_the_deployment_checks():
    """The check above can fail: the same command on local defaults does."""
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], DJANGO_ENV="local")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"])
def test_production_refuses_to_start_without_a_required_setting(missing):
    env = {name: value for name, value in PRODUCTION.items() if name != missing}
    result = run_python(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_trusts_the_proxys_https_header_and_keeps_cookies_secure():
    values = settings_in_subprocess(
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        **PRODUCTION,
    )
    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
    }


def test_hsts_duration_comes_from_the_environment():
    values = settings_in_subprocess("SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS="600", **PRODUCTION)
    assert values["SECURE_HSTS_SECONDS"] == 600


def test_production_requires_a_second_factor_for_staff_and_local_mode_does_not():
    assert settings_in_subprocess("OTP_REQUIRED", **PRODUCTION) == {"OTP_REQUIRED": True}
    assert settings_in_subprocess("OTP_REQUIRED") == {"OTP_REQUIRED": False}


def test_admins_are_read_from_the_environment():
    values = settings_in_subprocess("ADMINS", ADMINS="Site Ops <ops@example.org>, editor@example.org")
    assert values["ADMINS"] == [["Site Ops", "ops@example.org"], ["", "editor@example.org"]]


def production_client(code, tmp_path):
    """Run `code` in a production-mode process where `Client` is Django's test
    client for the production host; the last line it printed."""
    setup = "import django, json; django.setup(); from django.test import Client; "
    database = os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = run_python(setup + code, DJANGO_SETTINGS_MODULE="ta1.settings", DATABASE_URL=database, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


def test_health_check_is_reachable_over_plain_http_in_production(tmp_path):
    """Load balancers probe the app over HTTP inside their network; every
    other page redirects to HTTPS."""
    output = production_client(
        "c = Client(HTTP_HOST='ta1.example.org'); print(c.get('/robots.txt').status_code, c.get('/healthz').status_code)",
        tmp_path,
    )
    assert output.split() == ["301", "200"]


def test_a_production_response_over_https_carries_hsts_and_the_security_headers(tmp_path):
    output = production_client(
        "c = Client(HTTP_HOST='ta1.example.org', HTTP_X_FORWARDED_PROTO='https'); "
        "print(json.dumps(dict(c.get('/robots.txt').headers)))",
        tmp_path,
    )
    headers = json.loads(output)
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_log_records_become_one_json_object_per_line():
    try:
        raise ValueError("bad value")
    except ValueError:
        record = logging.getLogger("ta1.test").makeRecord(
            "ta1.test",
            logging.ERROR,
            __file__,
            1,
            "Failed for %s",
            ("a reader",),
            sys.exc_info(),
            extra={"status_code": 500},
        )
    line = JSONFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "ta1.test"
    assert entry["message"] == "Failed for a reader"
    assert entry["status_code"] == 500
    assert entry["exception"].endswith("ValueError: bad value")


def test_the_application_logs_json_to_stdout():
    code = "import django, logging; django.setup(); logging.getLogger('django.request').warning('Not Found: /x')"
    result = run_python(code, DJANGO_SETTINGS_MODULE="ta1.settings")
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /x"


def break_the_home_page(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr("pages.views.redirect", broken)


def test_a_server_error_is_mailed_to_the_admins(db, settings, monkeypatch):
    settings.ADMINS = [("Site Ops", "ops@example.org")]
    break_the_home_page(monkeypatch)
    assert Client(raise_request_exception=False).get("/").status_code == 500
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.org"]
    assert "simulated failure" in mail.outbox[0].body


def test_no_mail_is_sent_while_no_admins_are_configured(db, settings, monkeypatch):
    settings.ADMINS = []
    break_the_home_page(monkeypatch)
    assert Client(raise_request_exception=False).get("/").status_code == 500
    assert mail.outbox == []


def test_production_refuses_to_print_comment_emails_to_the_console():
    result = run_python(["manage.py", "check"], COMMENTS_EMAILS="1", EMAIL_HOST="", **PRODUCTION)
    assert result.returncode != 0
    assert "Comment emails are on but EMAIL_BACKEND prints mail to the console" in result.stderr


def test_production_without_a_mail_server_prints_mail_and_turns_comment_emails_off():
    values = settings_in_subprocess("EMAIL_BACKEND", "COMMENTS_EMAILS", EMAIL_HOST="", COMMENTS_EMAILS="", **PRODUCTION)
    assert values == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", "COMMENTS_EMAILS": False}


def test_production_with_a_mail_server_sends_comment_emails_through_it():
    values = settings_in_subprocess("EMAIL_BACKEND", "COMMENTS_EMAILS", EMAIL_HOST="smtp.example.org", **PRODUCTION)
    assert values == {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "COMMENTS_EMAILS": True}
