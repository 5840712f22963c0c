"""The deployment recipe (compose.yaml, Dockerfile), read as Docker would
read it. Docker is not needed: the file is checked for the properties that
matter, and the container's start command runs here."""

import fnmatch
import ipaddress
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from ta1.management.commands import serve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
IMAGE_ENV = dict(re.findall(r"(\w+)=(\S+)", re.search(r"^ENV ((?:.*\\\n)*.*)$", DOCKERFILE, re.MULTILINE).group(1)))
PATCH_VERSION = re.compile(r"^[\w./-]+:\d+\.\d+\.\d+([-\w.]*)$")
# PostgreSQL numbers its releases MAJOR.MINOR, the minor being the patch level.
POSTGRES_PATCH_VERSION = re.compile(r"^postgres:\d+\.\d+([-\w.]*)$")


def seconds(duration):
    number, unit = re.fullmatch(r"(\d+)(s|m)", duration).groups()
    return int(number) * (60 if unit == "m" else 1)


def test_one_image_is_built_and_shared_by_the_app_and_its_migrations():
    built = [name for name, service in SERVICES.items() if "build" in service]
    assert built == ["app"]
    assert SERVICES["migrate"]["image"] == SERVICES["app"]["image"]
    assert SERVICES["migrate"]["pull_policy"] == "never"


def test_the_app_gets_longer_to_stop_than_serve_waits_for_its_processes():
    assert seconds(SERVICES["app"]["stop_grace_period"]) > serve.STOP_SECONDS


def test_the_mail_worker_is_a_service_of_its_own_from_the_apps_image_started_again_whenever_it_exits():
    worker = SERVICES["worker"]
    assert worker["image"] == SERVICES["app"]["image"]
    assert worker["environment"] == SERVICES["app"]["environment"]
    assert worker["command"] == ["python", "manage.py", *serve.MAIL_WORKER]
    assert worker["restart"] == "unless-stopped"
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_apps_image_serves_without_a_mail_worker_of_its_own():
    assert IMAGE_ENV["OUTBOX_SENDER"] == "0"


@pytest.mark.parametrize(
    "service, pattern", [("nginx", PATCH_VERSION), ("redis", PATCH_VERSION), ("db", POSTGRES_PATCH_VERSION)]
)
def test_every_pulled_image_is_pinned_to_a_patch_version(service, pattern):
    assert pattern.match(SERVICES[service]["image"])


def test_the_base_image_is_pinned_to_a_patch_version():
    [base] = re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE)
    assert PATCH_VERSION.match(base)


def test_only_nginx_is_published_and_it_runs_the_repositorys_configuration():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"nginx"}
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in SERVICES["nginx"]["volumes"]
    assert SERVICES["nginx"]["depends_on"]["app"]["condition"] == "service_healthy"


def networks_of(service):
    # A service that names no network is on the project's "default" one.
    return set(SERVICES[service].get("networks", ["default"]))


def test_the_app_believes_x_forwarded_for_only_from_the_subnet_pinned_for_the_network_it_shares_with_nginx():
    """Docker picks a network's range itself unless told: trusting a guessed range
    would count every reader as nginx, or believe any client's header."""
    [shared] = networks_of("app") & networks_of("nginx")
    [subnet] = [config["subnet"] for config in COMPOSE["networks"][shared]["ipam"]["config"]]
    assert ipaddress.ip_network(subnet).is_private
    assert SERVICES["app"]["environment"]["TRUSTED_PROXIES"] == subnet


def left_out_of_the_image(path):
    """Whether `docker build` leaves `path` out of its context: the last
    .dockerignore pattern matching it, or a directory above it, decides."""
    parts = Path(path).parts
    left_out = False
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        keep = pattern.startswith("!")
        pattern = pattern.removeprefix("!").strip("/")
        if any(fnmatch.fnmatchcase("/".join(parts[:depth]), pattern) for depth in range(1, len(parts) + 1)):
            left_out = not keep
    return left_out


@pytest.mark.parametrize(
    "path", ["db.sqlite3", "db.dev.sqlite3", "db.dev.sqlite3-wal", "backups/ta1-2025-01-06.sqlite3", ".secret_key"]
)
def test_no_database_backup_or_secret_goes_into_the_image(path):
    """The image is pushed and shared; these hold readers' addresses or the key that signs sessions."""
    assert left_out_of_the_image(path)


def test_the_code_goes_into_the_image():
    assert not left_out_of_the_image("ta1/settings.py")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_containers_start_command_serves_as_a_user_without_a_home(tmp_path):
    """The image's CMD and ENV, run here as the image's home-less user would:
    it serves, and nothing tries to write under a home directory."""
    command = json.loads(re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE).group(1))
    port = free_port()
    home = tmp_path / "no-such-home"
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        **IMAGE_ENV,
        "HOME": str(home),
        "WEB_BIND": f"127.0.0.1:{port}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://ta1.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    assert IMAGE_ENV["DJANGO_ENV"] == "production"
    log = tmp_path / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"})
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    health = json.loads(response.read())
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    # The database here is not migrated: the mail worker's report (which never
    # fails the check) has nothing to read; the checks themselves pass.
    assert {name: health[name] for name in ("database", "disk", "cache")} == {
        "database": "ok",
        "disk": "ok",
        "cache": "ok",
    }
    assert "Permission denied" not in log.read_text()
    assert not home.exists()
