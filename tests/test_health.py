"""/healthz tells a load balancer whether this app process can serve."""

import shutil
import socket
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler
from django.utils import timezone

from outbox.models import MailWorker
from ta1.db import database_directory


def checks(response):
    """What the answer's status rests on: everything but the mail worker's report."""
    return {name: result for name, result in response.json().items() if name != "mail_worker"}


def test_health_check_reports_database_and_cache_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert checks(response) == {"database": "ok", "cache": "ok"}


def test_health_check_reports_how_mail_goes_out(client, db, deliver):
    deliver()
    report = client.get("/healthz").json()["mail_worker"]
    assert report == {
        "state": "running",
        "last_seen": report["last_seen"],
        "waiting": 0,
        "failed": 0,
    }
    assert report["last_seen"] == DjangoJSONEncoder().default(MailWorker.objects.get().last_seen)


def test_health_check_stays_200_when_no_mail_worker_has_been_seen(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["mail_worker"] == {"state": "unseen", "last_seen": None, "waiting": 0, "failed": 0}


def test_health_check_stays_200_when_the_mail_worker_is_stale(client, db):
    MailWorker.objects.create(host="mail-host", pid=1, last_seen=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["mail_worker"]["state"] == "stale"


def test_health_check_is_never_cached(client, db):
    assert "no-store" in client.get("/healthz")["Cache-Control"]


def test_health_check_answers_503_when_the_database_fails(client, db, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refused)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert checks(response) == {"database": "error", "cache": "ok"}


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_health_check_answers_503_when_the_cache_is_unreachable(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert checks(response) == {"database": "ok", "cache": "error"}


def disk_with(free_mb):
    megabyte = 1024 * 1024

    def usage(path):
        return SimpleNamespace(total=1000 * megabyte, used=(1000 - free_mb) * megabyte, free=free_mb * megabyte)

    return usage


@pytest.fixture
def database_in(db, tmp_path, monkeypatch):
    """A database kept in a file under tmp_path, as SQLite is in production
    (the suite's own SQLite database lives in memory)."""
    monkeypatch.setattr("ta1.db.database_directory", lambda *args: tmp_path)


def test_health_check_answers_503_naming_the_disk_when_the_databases_disk_is_nearly_full(
    client, database_in, monkeypatch, settings
):
    """A write probe that is rolled back never reaches the disk: on a full one it passes while every comment fails."""
    settings.HEALTHZ_MIN_FREE_MB = 50
    monkeypatch.setattr(shutil, "disk_usage", disk_with(free_mb=49))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert checks(response) == {"database": "ok", "disk": "error", "cache": "ok"}


def test_health_check_reports_the_disk_ok_with_enough_free_space(client, database_in, monkeypatch, settings):
    settings.HEALTHZ_MIN_FREE_MB = 50
    monkeypatch.setattr(shutil, "disk_usage", disk_with(free_mb=50))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert checks(response) == {"database": "ok", "disk": "ok", "cache": "ok"}


def sqlite_connection(name):
    return ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": name}})["default"]


def test_a_sqlite_databases_free_space_is_counted_in_its_files_directory(tmp_path):
    assert database_directory(sqlite_connection(str(tmp_path / "ta1.sqlite3"))) == tmp_path


def test_an_in_memory_database_has_no_disk_to_check():
    assert database_directory(sqlite_connection(":memory:")) is None


def test_a_postgresql_servers_disk_is_not_the_apps_to_check():
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "ta1"}})
    assert database_directory(handler["default"]) is None
