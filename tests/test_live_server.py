"""The production server (`manage.py serve`: granian, DEBUG off) as separate
processes: many readers commenting at once, and a comment surviving the
server being killed.

The server gets a database of its own, because pytest-django's test database
lives inside this process's transactions where no other process can see it:
a SQLite file, or a fresh PostgreSQL database beside the suite's when
DATABASE_URL names a PostgreSQL server."""

import http.cookiejar
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import dj_database_url
import psycopg
import pytest
from psycopg import sql

from ta1.management.commands import serve

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_PATH = "/articles/thymosin-alpha-1/"
POST_PATH = "/articles/thymosin-alpha-1/comments/"
READERS = 50


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    return root


def postgres_conninfo(url):
    config = dj_database_url.parse(url)
    return {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": config["NAME"],
    }


@contextmanager
def throwaway_database_url(tmp_path, name):
    """A new, empty database of the suite's kind, dropped afterwards: a SQLite
    file, or a PostgreSQL database beside the suite's."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    database = f"ta1_{name}_{secrets.token_hex(4)}"
    with psycopg.connect(**postgres_conninfo(suite_url), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        yield urlsplit(suite_url)._replace(path=f"/{database}").geturl()
    finally:
        with psycopg.connect(**postgres_conninfo(suite_url), autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))


@pytest.fixture
def server_database_url(tmp_path):
    with throwaway_database_url(tmp_path, "live") as url:
        yield url


def serve_command():
    """The web server and the mail worker, as `make run` starts them (WEB_BIND
    in the environment says where)."""
    return [sys.executable, "manage.py", "serve"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`manage.py serve`, as `make run` starts it."""

    def __init__(self, env, log_path):
        self.port = free_port()
        self.env = {**env, "WEB_BIND": f"127.0.0.1:{self.port}"}
        self.log_path = log_path
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, timeout=300, capture_output=True
        )

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                serve_command(),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so that its children go with it.
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_path.read_text()
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError(f"the server did not become healthy:\n{self.log_path.read_text()}")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process:
            # Whatever outlived `serve` (a test may have killed one of its
            # processes from under it) goes too.
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def django(self, code):
        """Run code in a process of the server's own configuration; its output."""
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + code],
            cwd=ROOT,
            env=self.env,
            check=True,
            timeout=60,
            capture_output=True,
            text=True,
        )
        return result.stdout

    def stored_comments(self):
        """(body, status) of every comment."""
        code = (
            "import json; from comments.models import Comment; "
            "print(json.dumps(list(Comment.objects.values_list('body', 'status'))))"
        )
        return [tuple(row) for row in json.loads(self.django(code))]

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=60) as response:
            return response.read().decode()


@pytest.fixture
def start_server(server_database_url, static_root, tmp_path):
    """Start the server on a database of its own; `settings` override the
    environment (None removes a variable)."""
    servers = []

    def start(migrated=False, **settings):
        unwanted = ("DJANGO_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
        env = {key: value for key, value in os.environ.items() if key not in unwanted}
        env.update(
            DATABASE_URL=server_database_url,
            STATIC_ROOT=str(static_root),
            SECRET_KEY=secrets.token_urlsafe(50),
            COMMENTS_NOTIFY_MODERATORS="0",
        )
        for name, value in settings.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        server = Server(env, tmp_path / f"server-{len(servers)}.log")
        servers.append(server)
        if not migrated:
            server.manage("migrate", "--noinput")
            server.manage("load_article")
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(start_server):
    # Thresholds lifted: every reader here comes from 127.0.0.1 and answers
    # at once, which the spam rules would otherwise hold back.
    return start_server(WEB_CONCURRENCY="4", COMMENTS_RATE_LIMIT="1000000")


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Reader:
    """A browser of its own, with its own cookies, posting from the site's own page."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), KeepRedirects)

    def open_form(self):
        with self.opener.open(self.base + ARTICLE_PATH, timeout=60) as response:
            page = response.read().decode()
        assert 'name="website"' in page

    def send(self, name, email, body):
        data = urlencode({"website": "", "name": name, "email": email, "body": body}).encode()
        request = urllib.request.Request(
            self.base + POST_PATH, data=data, headers={"Origin": self.base, "Sec-Fetch-Site": "same-origin"}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def test_fifty_readers_commenting_at_once_are_each_stored_exactly_once_as_pending(server):
    readers = [Reader(server.base) for _ in range(READERS)]
    all_ready = threading.Barrier(READERS, timeout=120)

    def comment(number):
        reader = readers[number]
        reader.open_form()
        all_ready.wait()
        return reader.send(f"Reader {number}", f"reader{number}@example.org", f"Comment number {number}.")

    with ThreadPoolExecutor(max_workers=READERS) as pool:
        statuses = list(pool.map(comment, range(READERS), timeout=300))

    assert statuses == [302] * READERS
    stored = server.stored_comments()
    assert Counter(body for body, _ in stored) == Counter(f"Comment number {n}." for n in range(READERS))
    assert {status for _, status in stored} == {"pending"}


def test_an_acknowledged_comment_survives_the_server_being_killed(server):
    reader = Reader(server.base)
    reader.open_form()
    assert reader.send("Dana Durable", "dana@example.org", "Saved before the crash.") == 302
    server.kill()
    server.start()
    assert ("Saved before the crash.", "pending") in server.stored_comments()


EDIT_A_SECTION = """
from articles import drafts
from articles.models import Article, DraftSection
article = Article.objects.get(slug="thymosin-alpha-1")
drafts.draft_of(article)
section = DraftSection.objects.filter(article=article).first()
section.body = "Revised by an editor just now."
section.save()
drafts.record(article, by=None)
drafts.publish(article, by=None)
"""


def test_an_edit_shows_on_every_server_process_at_the_next_request(server):
    """Each server process keeps its own copy of the page when no shared
    cache is configured; every one must notice the edit, for a first visit
    and for a revalidation alike."""
    with urllib.request.urlopen(server.base + ARTICLE_PATH, timeout=60) as response:
        etag = response.headers["ETag"]
    with ThreadPoolExecutor(max_workers=16) as pool:
        before = list(pool.map(lambda _: server.get(ARTICLE_PATH), range(64), timeout=120))
    assert not any("Revised by an editor just now." in page for page in before)
    server.django(EDIT_A_SECTION)
    with ThreadPoolExecutor(max_workers=16) as pool:
        after = list(pool.map(lambda _: server.get(ARTICLE_PATH), range(64), timeout=120))
        revalidated = list(pool.map(lambda _: revalidate(server.base, etag), range(64), timeout=120))
    assert all("Revised by an editor just now." in page for page in after)
    assert all(status == 200 and "Revised by an editor just now." in page for status, page in revalidated)


def test_the_rate_limit_holds_across_server_processes_and_restarts(start_server):
    """Two servers on one database, as `make run` starts them: the count lives
    with the stored comments, so whichever process answers, and after a
    restart, the sixth comment from one address within the window is refused."""
    # One deployment: one key, so one address gives one hash in both.
    shared = {
        "WEB_CONCURRENCY": None,
        "WEB_THREADS": None,
        "COMMENTS_RATE_LIMIT": "5",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    first = start_server(**shared)
    second = start_server(**shared, migrated=True)
    statuses = []
    for number in range(4):
        server = (first, second)[number % 2]
        statuses.append(
            Reader(server.base).send(f"Reader {number}", f"reader{number}@example.org", f"Comment {number}.")
        )
    second.kill()
    second.start()
    for number in range(4, 7):
        server = (first, second)[number % 2]
        statuses.append(
            Reader(server.base).send(f"Reader {number}", f"reader{number}@example.org", f"Comment {number}.")
        )
    assert statuses == [302] * 5 + [429] * 2


def test_a_double_post_to_two_processes_leaves_one_comment_to_moderate(start_server):
    shared = {"COMMENTS_RATE_LIMIT": "1000", "SECRET_KEY": secrets.token_urlsafe(50)}
    first = start_server(**shared)
    second = start_server(**shared, migrated=True)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(
                lambda n: Reader((first, second)[n % 2].base).send("Dup", "dup@example.org", "Sent twice."), range(8)
            )
        )
    assert statuses == [302] * 8
    # None of these readers holds the first one's cookie: the repeats are
    # answered as new comments and held as duplicates, out of the queue.
    assert sorted(first.stored_comments()) == [("Sent twice.", "pending")] + [("Sent twice.", "spam")] * 7


def test_no_number_of_requests_elsewhere_resets_the_rate_limit(start_server):
    server = start_server(COMMENTS_RATE_LIMIT="2")
    reader = Reader(server.base)
    assert [reader.send(f"R{n}", f"r{n}@example.org", f"C{n}.") for n in range(2)] == [302, 302]
    for port in range(400):
        request = urllib.request.Request(server.base + ARTICLE_PATH, headers={"Host": f"127.0.0.1:{20000 + port}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
    assert reader.send("R3", "r3@example.org", "C3.") == 429


def children(pid):
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def command_line(pid):
    """A process's arguments; none once it has exited."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
    except FileNotFoundError:
        return []


def is_mail_worker(pid):
    return command_line(pid)[-len(serve.MAIL_WORKER) :] == list(serve.MAIL_WORKER)


def web_server_of(server):
    """The pid of granian's main process, which `serve` started."""
    [web] = [pid for pid in children(server.process.pid) if not is_mail_worker(pid)]
    return web


def test_the_default_server_runs_one_worker_process_per_core(start_server):
    server = start_server(WEB_CONCURRENCY=None, WEB_THREADS=None)
    expected = min(os.cpu_count() or 1, 8)
    web = web_server_of(server)
    deadline = time.monotonic() + 30
    while len(children(web)) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(children(web)) == expected


def revalidate(base, etag):
    request = urllib.request.Request(base + ARTICLE_PATH, headers={"If-None-Match": etag})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


APPROVE_A_COMMENT = """
from comments.models import Comment
from comments.moderation import approve
approve(Comment.objects.get(body="Approve me, please."), by=None)
"""


def test_after_an_approval_every_process_answers_a_revalidation_with_the_new_page(server):
    reader = Reader(server.base)
    assert reader.send("Ann", "ann@example.org", "Approve me, please.") == 302
    with urllib.request.urlopen(server.base + ARTICLE_PATH, timeout=60) as response:
        etag = response.headers["ETag"]
        assert response.headers.get("Set-Cookie") is None
    with ThreadPoolExecutor(max_workers=16) as pool:
        before = list(pool.map(lambda _: revalidate(server.base, etag), range(64), timeout=120))
    assert {status for status, _ in before} == {304}
    server.django(APPROVE_A_COMMENT)
    with ThreadPoolExecutor(max_workers=16) as pool:
        after = list(pool.map(lambda _: revalidate(server.base, etag), range(64), timeout=120))
    assert all(status == 200 and "Approve me, please." in page for status, page in after)


def test_every_process_serves_the_same_bytes(server):
    with ThreadPoolExecutor(max_workers=16) as pool:
        pages = set(pool.map(lambda _: server.get(ARTICLE_PATH), range(64), timeout=120))
    assert len(pages) == 1


def test_a_cross_origin_post_is_refused_by_the_server(server):
    data = urlencode({"website": "", "name": "Eve", "email": "eve@example.org", "body": "Forged."}).encode()
    request = urllib.request.Request(server.base + POST_PATH, data=data, headers={"Sec-Fetch-Site": "cross-site"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 403
    assert server.stored_comments() == []


ADD_A_MODERATOR = """
from django.contrib.auth.models import Group, User
user = User.objects.create_user("mo", email="mo@example.org", is_staff=True)
user.groups.add(Group.objects.get(name="Moderators"))
"""
UNSENT_EMAILS = "from outbox.models import OutboundEmail; print(OutboundEmail.objects.unsent().count())"


def test_an_email_written_before_the_server_was_killed_is_sent_by_the_sender_beside_the_restarted_server(
    start_server,
):
    server = start_server(
        OUTBOX_SENDER="0",
        OUTBOX_POLL_SECONDS="1",
        COMMENTS_EMAILS="1",
        COMMENTS_NOTIFY_MODERATORS="1",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    server.django(ADD_A_MODERATOR)
    reader = Reader(server.base)
    reader.open_form()
    assert reader.send("Eve Early", "eve@example.org", "Tell the moderators.") == 302
    server.kill()
    assert server.django(UNSENT_EMAILS).strip() == "1"

    server.env["OUTBOX_SENDER"] = "1"
    server.start()
    deadline = time.monotonic() + 60
    while server.django(UNSENT_EMAILS).strip() != "0":
        assert time.monotonic() < deadline, server.log_path.read_text()
        time.sleep(0.5)
    assert "To: mo@example.org" in server.log_path.read_text()
