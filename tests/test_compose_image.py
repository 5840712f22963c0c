"""compose.yaml brought up by Docker: the image is built, migrated and
started with PostgreSQL, Redis and nginx, and the article arrives through
nginx over HTTPS. Only nginx's published ports change (a free local one,
not 80 and 443). Collected only where a Docker daemon runs (see
tests/conftest.py); test_compose.py runs the same commands without Docker."""

import json
import secrets
import subprocess
import urllib.request

import pytest
from certificates import throwaway_certificate
from test_compose import ARTICLE, ROOT

# Replaces, not adds to, nginx's ports: a test must not need 80 and 443.
PORTS = """
services:
  nginx:
    ports: !override
      - "127.0.0.1::443"
"""


class Stack:
    def __init__(self, directory):
        self.tls = throwaway_certificate(directory / "certs")
        (directory / "ports.yaml").write_text(PORTS)
        self.compose = ["docker", "compose", "-p", f"ta1-test-{secrets.token_hex(4)}"]
        self.compose += ["-f", str(ROOT / "compose.yaml"), "-f", str(directory / "ports.yaml")]
        self.env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost",
            "SITE_URL": "https://localhost",
            "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
            "TLS_CERTIFICATES": str(directory / "certs"),
        }

    def run(self, *arguments):
        result = subprocess.run(
            [*self.compose, *arguments], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=1200
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def https_port(self):
        return self.run("port", "nginx", "443").strip().rpartition(":")[2]

    def services(self):
        """Each running service's state, health and the host ports it publishes."""
        lines = [json.loads(line) for line in self.run("ps", "--format", "json").splitlines() if line.strip()]
        return {
            line["Service"]: (
                line["State"],
                line.get("Health", ""),
                {
                    publisher["PublishedPort"]
                    for publisher in line.get("Publishers") or []
                    if publisher["PublishedPort"]
                },
            )
            for line in lines
        }


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("compose"))
    try:
        stack.run("up", "--build", "--detach", "--wait", "--wait-timeout", "600")
        yield stack
    finally:
        stack.run("down", "--volumes", "--remove-orphans")


def test_the_composed_site_serves_the_article_through_nginx_over_https(stack):
    with urllib.request.urlopen(f"https://localhost:{stack.https_port()}{ARTICLE}", context=stack.tls) as response:
        assert response.status == 200
        assert b"Thymosin alpha 1" in response.read()


def test_the_app_passes_its_healthcheck_and_the_mail_worker_runs_beside_it(stack):
    services = stack.services()
    assert services["app"][:2] == ("running", "healthy")
    assert services["worker"][0] == "running"


def test_only_nginx_is_reachable_from_the_host(stack):
    published = {service for service, (_, _, ports) in stack.services().items() if ports}
    assert published == {"nginx"}
