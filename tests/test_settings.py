"""A mistyped environment variable stops the process at start, naming the
variable and what it accepts, instead of quietly meaning something else."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from ta1 import env

ROOT = django_settings.BASE_DIR


def start(command, **variables):
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ta1.settings", **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


def load_settings(**variables):
    return start([sys.executable, "-c", "import django; django.setup()"], **variables)


@pytest.mark.parametrize(
    "name, value, accepted",
    [
        ("DJANGO_ENV", "prod", "use one of local, production"),
        ("SECURE_SSL_REDIRECT", "ture", "use 1, true, yes, on to turn it on, or 0, false, no, off to turn it off"),
        (
            "COMMENTS_RATE_LIMIT",
            "5/min",
            "a number of comments per COMMENTS_RATE_WINDOW of at least 1, written in digits only",
        ),
        ("DB_CONN_MAX_AGE", "1.5", "a number of seconds of at least 0, written in digits only"),
        ("COMMENTS_RATE_WINDOW", "0", "a number of seconds of at least 1"),
        ("TRUSTED_PROXIES", "10.0.0.0/33", "use IP addresses or CIDR ranges"),
        ("LOG_LEVEL", "verbose", "use one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("SHARED_CACHE_SECONDS", "0", "a number of seconds of at least 1"),
        ("REDIS_URL", "localhost:6379", "use an address starting with redis:// or rediss:// or unix://"),
        ("SITE_URL", "ta1.example.org", "use an address starting with http:// or https://"),
        ("SITE_URL", "https://", "use an address starting with http:// or https://"),
        (
            "EMAIL_BACKEND",
            "django.core.mail.backends.smpt.EmailBackend",
            "use the import path of an email backend, e.g. django.core.mail.backends.console.EmailBackend",
        ),
        ("SENTRY_DSN", "sentry.example.org/1", "use the DSN of a Sentry project"),
    ],
)
def test_a_mistyped_setting_stops_the_site_naming_the_variable_and_what_it_accepts(name, value, accepted):
    started = start([sys.executable, "manage.py", "check"], **{name: value})
    assert started.returncode != 0
    assert f"{name}={value!r} is not accepted: " in started.stderr
    assert accepted in started.stderr


@pytest.mark.parametrize(
    "name, value, accepted",
    [
        ("WEB_THREADS", "eight", "use a number of threads of at least 1"),
        ("WEB_CONCURRENCY", "0", "use a number of processes of at least 1"),
        ("WEB_BIND", "8000", "use host:port, e.g. 127.0.0.1:8000"),
    ],
)
def test_a_mistyped_server_setting_stops_serve_at_start(name, value, accepted):
    started = start([sys.executable, "manage.py", "serve"], **{name: value})
    assert started.returncode != 0
    assert f"{name}={value!r} is not accepted: {accepted}" in started.stderr


def test_a_refused_redis_address_does_not_show_its_password():
    started = start([sys.executable, "manage.py", "check"], REDIS_URL="redis:/default:s3cret@cache.internal:6379")
    assert "REDIS_URL='redis:/default:***@cache.internal:6379' is not accepted" in started.stderr
    assert "s3cret" not in started.stderr


@pytest.mark.parametrize(
    "command, variables",
    [
        (["manage.py", "check"], {"DJANGO_ENV": "prod"}),
        (["-c", "import ta1.wsgi"], {"DJANGO_ENV": "prod"}),
        (
            [
                "-c",
                "from ta1 import env\nwith env.one_line_refusals(): "
                "env.integer('WEB_CONCURRENCY', 3, minimum=1, unit='a number of processes')",
            ],
            {"WEB_CONCURRENCY": "four"},
        ),
    ],
    ids=["manage.py", "the app's server", "a server's own configuration"],
)
def test_a_refused_setting_is_one_line_on_stderr_not_a_traceback(command, variables):
    started = start([sys.executable, *command], **variables)
    assert started.returncode == 1
    [line] = started.stderr.splitlines()
    assert line.startswith("ta1 cannot start: ")
    assert f"{next(iter(variables))}=" in line


def test_smtp_with_both_tls_and_ssl_stops_the_site():
    started = start([sys.executable, "manage.py", "check"], EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    assert started.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: turn one off" in started.stderr


def test_the_log_level_is_read_in_any_case():
    code = "import django; django.setup(); from django.conf import settings; print(settings.LOG_LEVEL)"
    started = start([sys.executable, "-c", code], LOG_LEVEL="warning")
    assert started.returncode == 0, started.stderr
    assert started.stdout.splitlines()[-1] == "WARNING"


def test_keeping_the_page_version_in_redis_without_redis_stops_the_site():
    started = load_settings(ARTICLE_VERSION_CHECK="redis", REDIS_URL="")
    assert started.returncode != 0
    assert "ARTICLE_VERSION_CHECK=redis needs REDIS_URL." in started.stderr


def test_correct_settings_start_the_site():
    """The refusals above are for the mistakes, not for any value at all."""
    started = load_settings(
        DJANGO_ENV="local",
        SECURE_SSL_REDIRECT="off",
        COMMENTS_RATE_LIMIT="5",
        TRUSTED_PROXIES="10.0.0.0/8, ::1",
        REDIS_URL="unix:///run/redis/redis.sock",
        SITE_URL="https://ta1.example.org",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_USE_TLS="1",
    )
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize("spelling, meaning", [(s, True) for s in env.TRUE] + [(s, False) for s in env.FALSE])
def test_every_documented_boolean_spelling_is_read_in_any_case(monkeypatch, spelling, meaning):
    monkeypatch.setenv("SOME_SWITCH", spelling.upper())
    assert env.boolean("SOME_SWITCH", default=not meaning) is meaning


def test_an_empty_variable_takes_its_default(monkeypatch):
    """compose.yaml passes `${NAME:-}` through as an empty string."""
    monkeypatch.setenv("SOME_NUMBER", "")
    assert env.integer("SOME_NUMBER", 7) == 7
