"""nginx in front of the site, as deployed: Debian's nginx runs
deploy/nginx.conf in front of the production server, `manage.py serve`
(`make test-proxy`).

Only the addresses change: nginx listens on free local ports instead of 80
and 443, passes to this server instead of the app container, and keeps its
cache and its access log in the test's directory."""

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from subprocess import PIPE

import pytest
from certificates import throwaway_certificate
from test_live_server import free_port, serve_command

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/articles/thymosin-alpha-1/"
SLOW_CLIENTS = 10

NGINX_MAIN = """
{user}
worker_processes 1;
pid nginx.pid;
error_log error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log access.log;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    include site.conf;
}}
"""


def nginx_binary():
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not found:
        pytest.fail(
            "nginx is not installed: `apt-get install nginx` (Debian's package, as .ci/run does).", pytrace=False
        )
    return found


def replace_once(text, old, new):
    assert text.count(old) == 1, f"deploy/nginx.conf should contain {old!r} once"
    return text.replace(old, new)


def wait_for(url, context=None):
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5, context=context) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start_nginx(prefix, app_ports, *, http_port, https_port):
    """deploy/nginx.conf with a throwaway certificate, in `prefix`, balancing
    the app servers on `app_ports`: only its ports, upstream servers, cache
    directory and access log change. Returns the process and a TLS context
    that trusts the certificate, once nginx answers."""
    tls = throwaway_certificate(prefix / "certs")
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / name).mkdir(parents=True)
    upstreams = "\n    ".join(f"server 127.0.0.1:{port};" for port in app_ports)
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = replace_once(site, "server app:8000;", upstreams)
    site = replace_once(site, "/var/log/nginx/access.log", str(prefix / "access.log"))
    site = replace_once(site, "/var/cache/nginx/ta1", str(prefix / "cache"))
    (prefix / "site.conf").write_text(site)
    # As root, nginx's workers would drop to `nobody`, who cannot write here.
    (prefix / "nginx.conf").write_text(NGINX_MAIN.format(user="user root;" if os.geteuid() == 0 else ""))
    binary = nginx_binary()
    check = subprocess.run([binary, "-t", "-p", f"{prefix}/", "-c", "nginx.conf"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [binary, "-p", f"{prefix}/", "-c", "nginx.conf", "-g", "daemon off;"], start_new_session=True
    )
    wait_for(f"https://localhost:{https_port}/healthz", context=tls)
    return process, tls


class Site:
    def __init__(self, directory):
        self.directory = directory
        self.app_port, self.http_port, self.https_port = free_port(), free_port(), free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL")},
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SITE_URL": "https://localhost",
            "TRUSTED_PROXIES": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
            "STATIC_ROOT": str(directory / "static"),
            "WEB_BIND": f"127.0.0.1:{self.app_port}",
        }
        self.processes = []

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout

    def start_app(self):
        for command in (("migrate", "--noinput"), ("load_article",), ("collectstatic", "--noinput", "-v0")):
            self.manage(*command)
        with open(self.directory / "server.log", "ab") as log:
            self.processes.append(
                subprocess.Popen(
                    serve_command(),
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def start_nginx(self):
        process, self.tls = start_nginx(
            self.directory / "nginx", [self.app_port], http_port=self.http_port, https_port=self.https_port
        )
        self.processes.append(process)

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, 15)
                process.wait(timeout=30)

    def https(self):
        return http.client.HTTPSConnection("localhost", self.https_port, context=self.tls, timeout=30)

    def request(self, method, path, body=None, headers=None):
        connection = self.https()
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response, response.read()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("proxy"))
    try:
        site.start_app()
        wait_for(f"http://127.0.0.1:{site.app_port}/healthz")
        site.start_nginx()
        yield site
    finally:
        site.stop()


def slow_client(site):
    """A client that has sent only the start of its request headers."""
    raw = socket.create_connection(("127.0.0.1", site.https_port), timeout=30)
    client = site.tls.wrap_socket(raw, server_hostname="localhost")
    client.sendall(b"GET " + ARTICLE.encode() + b" HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    return client


def still_waiting(client):
    """True while the server has neither answered nor closed the connection."""
    client.setblocking(False)
    try:
        client.recv(1)
    except ssl.SSLWantReadError:
        return True
    return False


def test_ten_clients_sending_headers_slowly_do_not_stall_a_reader(site):
    slow = [slow_client(site) for _ in range(SLOW_CLIENTS)]
    try:
        for client in slow:
            client.sendall(b"a")
        response, body = site.request("GET", ARTICLE)
        assert response.status == 200
        assert b"Thymosin Alpha 1" in body
        assert [still_waiting(client) for client in slow] == [True] * SLOW_CLIENTS
    finally:
        for client in slow:
            client.close()


def sign_in_form(site):
    response, body = site.request("GET", "/admin/login/")
    cookie = re.search(r"(csrftoken=[^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def failed_sign_in(site, username, **headers):
    """Post a wrong password; the status, and whether the app (rather than nginx) answered."""
    cookie, token = sign_in_form(site)
    body = f"csrfmiddlewaretoken={token}&username={username}&password=wrong&next=/admin/"
    response, _ = site.request(
        "POST",
        "/admin/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"https://localhost:{site.https_port}/admin/login/",
            **headers,
        },
    )
    return response.status, response.getheader("Content-Security-Policy") is not None


def recorded_sign_in_addresses(site):
    code = (
        "import django, json; django.setup(); from axes.models import AccessAttempt; "
        "print(json.dumps(dict(AccessAttempt.objects.values_list('username', 'ip_address'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=site.env, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_the_app_sees_the_real_client_address_and_a_forged_one_is_dropped(site):
    assert failed_sign_in(site, "forger", **{"X-Forwarded-For": "203.0.113.9"}) == (200, True)
    assert recorded_sign_in_addresses(site)["forger"] == "127.0.0.1"


def test_nginx_refuses_rapid_sign_in_attempts_before_they_reach_the_app(site):
    answers = [failed_sign_in(site, "guesser") for _ in range(15)]
    refused_by_nginx = answers.count((429, False))
    assert refused_by_nginx > 0
    assert refused_by_nginx + sum(from_app for _, from_app in answers) == 15


def test_the_article_arrives_with_the_sites_security_headers(site):
    response, _ = site.request("GET", ARTICLE)
    assert response.status == 200
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Server") == "nginx"


def test_static_files_arrive_compressed_and_cached_for_good(site):
    _, page = site.request("GET", ARTICLE)
    stylesheet = re.search(rb'<link rel="stylesheet" href="(/static/[^"]+\.css)"', page).group(1).decode()
    response, _ = site.request("GET", stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    assert response.getheader("Content-Type").startswith("text/css")


def test_plain_http_moves_to_https_except_the_health_check(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=30)
    connection.request("GET", ARTICLE, headers={"Host": "localhost"})
    response = connection.getresponse()
    response.read()
    assert response.status == 308
    assert response.getheader("Location") == f"https://localhost{ARTICLE}"
    connection.request("GET", "/healthz", headers={"Host": "localhost"})
    assert connection.getresponse().status == 200


# The microcache. Each test that needs a copy of its own asks for the article
# with a parameter the app ignores, which nginx's key keeps apart.


def cache_status(site, path, **headers):
    response, _ = site.request("GET", path, headers=headers)
    return response.getheader("X-Cache-Status")


def test_the_second_request_for_the_article_is_answered_from_the_cache(site):
    path = ARTICLE + "?ref=second-request"
    assert [cache_status(site, path), cache_status(site, path)] == ["MISS", "HIT"]


def test_a_signed_in_request_is_answered_by_the_app(site):
    site.request("GET", ARTICLE)
    response, body = site.request("GET", ARTICLE, headers={"Cookie": "sessionid=staff"})
    assert response.getheader("X-Cache-Status") == "BYPASS"
    assert b"Thymosin Alpha 1" in body


def test_what_a_signed_in_request_got_is_kept_for_no_one(site):
    path = ARTICLE + "?ref=signed-in"
    cache_status(site, path, Cookie="sessionid=staff")
    assert cache_status(site, path) == "MISS"


def test_a_post_to_the_article_reaches_the_app_not_the_cached_page(site):
    site.request("GET", ARTICLE)
    response, _ = site.request("POST", ARTICLE, body="", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status != 200
    assert response.getheader("X-Cache-Status") is None


def test_the_commenters_own_page_is_never_kept(site):
    body = "name=Nora+Reader&email=nora%40example.org&body=Asked+through+nginx.&website="
    sent, _ = site.request(
        "POST", ARTICLE + "comments/", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    own_page = sent.getheader("Location").partition("#")[0]
    assert [cache_status(site, own_page), cache_status(site, own_page)] == ["MISS", "MISS"]


def test_browsers_naming_the_same_encoding_differently_share_one_copy(site):
    path = ARTICLE + "?ref=encodings"
    cache_status(site, path, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    response, _ = site.request("GET", path, headers={"Accept-Encoding": "br"})
    assert (response.getheader("X-Cache-Status"), response.getheader("Content-Encoding")) == ("HIT", "br")


def test_a_reader_refusing_brotli_gets_gzip_when_brotli_is_cached(site):
    path = ARTICLE + "?ref=refused-brotli"
    cache_status(site, path, **{"Accept-Encoding": "gzip, deflate, br"})
    response, _ = site.request("GET", path, headers={"Accept-Encoding": "gzip, br;q=0"})
    assert response.getheader("Content-Encoding") == "gzip"


def test_a_reader_revalidating_through_the_cache_gets_304(site):
    first, _ = site.request("GET", ARTICLE, headers={"Accept-Encoding": "br"})
    again, _ = site.request("GET", ARTICLE, headers={"Accept-Encoding": "br", "If-None-Match": first.getheader("ETag")})
    assert again.status == 304


def test_a_signed_in_reader_revalidating_gets_304(site):
    headers = {"Accept-Encoding": "br", "Cookie": "sessionid=staff"}
    first, _ = site.request("GET", ARTICLE, headers=headers)
    again, _ = site.request("GET", ARTICLE, headers={**headers, "If-None-Match": first.getheader("ETag")})
    assert again.status == 304


# Twice SHARED_CACHE_SECONDS (1 s) as the app declares it, and nginx counts
# whole seconds.
CHANGE_SHOWS_WITHIN = 3

# A pending comment, approved by the moderation function when told: the
# change comes at once, not after starting Django.
APPROVE_WHEN_TOLD = """
import django
django.setup()
from articles.models import Article
from comments.models import Comment
from comments.moderation import approve
comment = Comment.objects.create(
    article=Article.objects.get(slug="thymosin-alpha-1"), name="Ida", email="ida@example.org", body="Approved behind nginx."
)
print("ready", flush=True)
input()
approve(comment, by=None)
"""


def test_an_approved_comment_shows_through_nginx_within_the_bound(site):
    path = ARTICLE + "?ref=approval"
    with subprocess.Popen(
        [sys.executable, "-c", APPROVE_WHEN_TOLD], cwd=ROOT, env=site.env, stdin=PIPE, stdout=PIPE, text=True
    ) as approver:
        assert approver.stdout.readline() == "ready\n"
        site.request("GET", path)  # a copy made just before the change
        approver.communicate("go\n", timeout=60)
    deadline = time.monotonic() + CHANGE_SHOWS_WITHIN
    while True:
        _, body = site.request("GET", path)
        if b"Approved behind nginx." in body or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert b"Approved behind nginx." in body


def logged(path, request_id):
    """The lines of a log that name `request_id`, once there are any: nginx
    writes its line after the answer has left."""
    deadline = time.monotonic() + 30
    while True:
        lines = [line for line in path.read_text().splitlines() if request_id in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def app_access_lines(site, request_id):
    lines = [json.loads(line) for line in logged(site.directory / "server.log", request_id)]
    return [line for line in lines if line["logger"] == "ta1.access"]


def test_nginx_and_the_app_log_a_request_under_the_id_the_reader_gets_back(site):
    response, _ = site.request("GET", "/healthz")
    request_id = response.getheader("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert len(logged(site.directory / "nginx" / "access.log", request_id)) == 1
    assert [(line["path"], line["status"]) for line in app_access_lines(site, request_id)] == [("/healthz", 200)]


def test_a_request_id_the_client_sends_is_passed_to_the_app_and_back(site):
    response, _ = site.request("GET", "/healthz", headers={"X-Request-ID": "load-balancer-7f3a"})
    assert response.getheader("X-Request-ID") == "load-balancer-7f3a"
    assert len(app_access_lines(site, "load-balancer-7f3a")) == 1


def test_every_answer_names_its_own_request_even_from_the_cache(site):
    path = ARTICLE + "?ref=request-ids"
    first, second = (site.request("GET", path)[0].getheader("X-Request-ID") for _ in range(2))
    assert None not in (first, second)
    assert first != second
