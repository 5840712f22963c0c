"""The deployment recipe (Dockerfile, compose.yaml), run here as Docker would
run it: the image's build steps, start command and environment, and the
services' commands, environment and healthcheck, are read from the files and
run in this checkout. Only addresses change: a database of the test's own,
the process's own cache instead of the Redis container, a free local port.
Docker is not needed; where it runs, test_compose_image.py also builds and
starts the image itself."""

import fnmatch
import ipaddress
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from test_live_server import children, command_line

from ta1.management.commands import serve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
PATCH_VERSION = re.compile(r"^[\w./-]+:\d+\.\d+\.\d+([-\w.]*)$")
# PostgreSQL numbers its releases MAJOR.MINOR, the minor being the patch level.
POSTGRES_PATCH_VERSION = re.compile(r"^postgres:\d+\.\d+([-\w.]*)$")
ARTICLE = "/articles/thymosin-alpha-1/"
# What the operator gives `docker compose up` (see the top of compose.yaml).
OPERATOR = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "ta1.example.org",
    "SITE_URL": "https://ta1.example.org",
    "POSTGRES_PASSWORD": "unused-here",
}


def dockerfile_instructions():
    """(instruction, arguments) for each line of the Dockerfile, continuations joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [tuple(line.split(None, 1)) for line in lines]


INSTRUCTIONS = dockerfile_instructions()
IMAGE_ENV = dict(
    pair.split("=", 1) for name, arguments in INSTRUCTIONS if name == "ENV" for pair in shlex.split(arguments)
)
[IMAGE_COMMAND] = [json.loads(arguments) for name, arguments in INSTRUCTIONS if name == "CMD"]
# The build's steps that run the project (collectstatic), not those that install it.
BUILD_STEPS = [arguments for name, arguments in INSTRUCTIONS if name == "RUN" and "manage.py" in arguments]
IMAGE_PORT = IMAGE_ENV["WEB_BIND"].rpartition(":")[2]


def interpolated(value, variables):
    """`value` with compose's ${NAME}, ${NAME:-default} and ${NAME:?error} filled in from `variables`."""

    def fill(match):
        name, operator, word = match.groups()
        given = variables.get(name, "")
        if operator == ":?" and not given:
            raise AssertionError(f"compose refuses to start without {name}: {word}")
        return given or (word if operator == ":-" else "")

    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", fill, str(value))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def service_env(service, directory, port, **operator):
    """The environment a container of `service` gets, from the image and
    compose.yaml, with only the addresses changed."""
    environment = {
        name: interpolated(value, OPERATOR | operator) for name, value in SERVICES[service]["environment"].items()
    }
    environment.pop("REDIS_URL")
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        **IMAGE_ENV,
        **environment,
        # The image's user has no home: nothing may need one.
        "HOME": str(directory / "no-such-home"),
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "STATIC_ROOT": str(directory / "static"),
        "WEB_BIND": f"127.0.0.1:{port}",
    }


def service_command(service):
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else command


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs)


class Container:
    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.env = service_env("app", directory, self.port)
        self.log = directory / "server.log"
        self.process = None

    def build(self):
        for step in BUILD_STEPS:
            built = run(["sh", "-c", step], self.env)
            assert built.returncode == 0, built.stderr

    def start(self):
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(
                IMAGE_COMMAND, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, self.log.read_text()
            try:
                return self.get("/healthz")
            except OSError:
                assert time.monotonic() < deadline, self.log.read_text()
                time.sleep(0.2)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            self.process.wait(timeout=60)

    def get(self, path):
        """The status and body of `path`, asked as nginx asks: for the site's host, over HTTPS."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            headers={"Host": OPERATOR["ALLOWED_HOSTS"], "X-Forwarded-Proto": "https"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    """The image built and started here, on a database compose's migrate service prepared."""
    container = Container(tmp_path_factory.mktemp("container"))
    container.build()
    container.migrated = run(service_command("migrate"), container.env)
    assert container.migrated.returncode == 0, container.migrated.stderr
    try:
        container.start()
        yield container
    finally:
        container.stop()


def test_the_migrate_services_command_brings_a_fresh_database_up_to_date(container):
    unapplied = run(["python", "manage.py", "migrate", "--check"], container.env)
    assert unapplied.returncode == 0, unapplied.stdout + unapplied.stderr


def test_the_images_start_command_serves_the_article(container):
    status, body = container.get(ARTICLE)
    assert status == 200
    assert b"Thymosin alpha 1" in body


def test_composes_healthcheck_passes_against_the_started_app(container):
    kind, *command = SERVICES["app"]["healthcheck"]["test"]
    assert kind == "CMD"
    command = [part.replace(f":{IMAGE_PORT}/", f":{container.port}/") for part in command]
    assert run(command, container.env).returncode == 0


def test_the_app_serves_without_a_mail_worker_of_its_own(container):
    assert [pid for pid in children(container.process.pid) if "send_outbox" in command_line(pid)] == []


def test_the_app_writes_nothing_under_a_home_directory(container):
    assert "Permission denied" not in container.log.read_text()
    assert not Path(container.env["HOME"]).exists()


def mail_worker_state(container, settled):
    """The mail worker's state in the app's health check, once it is `settled` or a minute has passed."""
    deadline = time.monotonic() + 60
    while (state := json.loads(container.get("/healthz")[1])["mail_worker"]["state"]) != settled:
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return state


def test_the_worker_services_command_is_seen_running_by_the_apps_health_check(container):
    worker = subprocess.Popen(
        service_command("worker"),
        cwd=ROOT,
        env=service_env("worker", container.directory, container.port),
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert mail_worker_state(container, "running") == "running"
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=60)


PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.EMAIL_BACKEND, settings.COMMENTS_EMAILS]))"
)


@pytest.mark.parametrize(
    "operator, backend, comment_emails",
    [
        ({}, "django.core.mail.backends.console.EmailBackend", False),
        ({"EMAIL_HOST": "smtp.example.org"}, "django.core.mail.backends.smtp.EmailBackend", True),
    ],
    ids=["naming no mail server", "naming one"],
)
def test_comment_emails_are_on_exactly_when_the_operator_names_a_mail_server(
    tmp_path, operator, backend, comment_emails
):
    env = service_env("app", tmp_path, free_port(), **operator)
    result = run(["python", "-c", PRINT_SETTINGS], {**env, "DJANGO_SETTINGS_MODULE": "ta1.settings"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [backend, comment_emails]


def seconds(duration):
    number, unit = re.fullmatch(r"(\d+)(s|m)", duration).groups()
    return int(number) * (60 if unit == "m" else 1)


def test_the_app_gets_longer_to_stop_than_serve_waits_for_its_processes():
    assert seconds(SERVICES["app"]["stop_grace_period"]) > serve.STOP_SECONDS


@pytest.mark.parametrize(
    "service, pattern", [("nginx", PATCH_VERSION), ("redis", PATCH_VERSION), ("db", POSTGRES_PATCH_VERSION)]
)
def test_every_pulled_image_is_pinned_to_a_patch_version(service, pattern):
    assert pattern.match(SERVICES[service]["image"])


def test_the_base_image_is_pinned_to_a_patch_version():
    [base] = [arguments for name, arguments in INSTRUCTIONS if name == "FROM"]
    assert PATCH_VERSION.match(base)


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
