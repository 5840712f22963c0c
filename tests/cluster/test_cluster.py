"""The production topology as a whole, under faults (`make test-cluster`).

Real processes on this machine: one PostgreSQL and one Redis (started by
scripts/with-services.sh), two app hosts (each `manage.py serve`: granian and
its own mail worker, on its own port, with its own static files), nginx with
deploy/nginx.conf balancing both, and an SMTP server. Readers and commenters
go through nginx the whole time while the test stops and pauses Redis,
restarts PostgreSQL, kills a web worker and a mail worker, slows and then
cuts the mail server, and restores a backup. Then:

- no reader gets a 5xx outside the PostgreSQL restart;
- every comment the site accepted is stored once;
- every approval, publish and restore shows on both hosts within the bound;
- every email reaches the mail server once (a mail worker killed between the
  server's acceptance and its record may send that one twice, with the same
  Message-ID);
- killed workers are back within 10 s.
"""

import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "proxy"))

from smtp_sink import Sink, _Server, _Session  # noqa: E402
from test_live_server import free_port  # noqa: E402
from test_nginx import start_nginx, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/articles/thymosin-alpha-1/"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
WEB_WORKERS = 2
# What the system promises: a change shows on every host within a second.
# The poll that watches for it allows a little more for its own request on a
# busy two-core machine running eleven server processes and the load.
VISIBLE_WITHIN = 1.0
POLL_SLACK = 0.5
BACK_WITHIN = 10


def children(pid):
    """The pids whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def command_line(pid):
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_until(condition, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


class Services:
    """PostgreSQL and Redis as scripts/with-services.sh started them."""

    def __init__(self):
        database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
        if not database_url.startswith("postgres") or not redis_url.startswith("unix://"):
            pytest.fail("Run through `make test-cluster` (scripts/with-services.sh).", pytrace=False)
        self.redis_socket = redis_url.removeprefix("unix://")
        self.workdir = Path(self.redis_socket).parent
        self.as_owner = ["runuser", "-u", "ta1test", "--"] if os.geteuid() == 0 else []

    def redis(self, *command):
        return subprocess.run(
            ["redis-cli", "-s", self.redis_socket, *command], capture_output=True, text=True, timeout=30
        )

    def stop_redis(self):
        self.redis("shutdown", "nosave")
        assert wait_until(lambda: not Path(self.redis_socket).exists(), 10)

    def start_redis(self):
        # The same server scripts/with-services.sh starts, on the same socket.
        w = self.workdir
        subprocess.run(
            ["redis-server", "--port", "0", "--unixsocket", self.redis_socket, "--unixsocketperm", "700"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "yes", "--pidfile", str(w / "redis.pid")]
            + ["--logfile", str(w / "redis.log"), "--dir", str(w)],
            check=True,
            timeout=30,
        )
        assert wait_until(lambda: self.redis("ping").stdout.strip() == "PONG", 10)

    def restart_postgres(self):
        # Its log to the file scripts/with-services.sh gave it: a server
        # writing to this process's pipe would hold it open.
        w = self.workdir
        subprocess.run(
            [*self.as_owner, str(PG_BIN / "pg_ctl"), "-D", str(w / "pg"), "-l", str(w / "postgres.log")]
            + ["-m", "fast", "-w", "restart"],
            cwd=w,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )


class MailServer:
    """An SMTP server on a fixed port that can be slowed, cut and brought back."""

    def __init__(self):
        self.port = free_port()
        self.sink = Sink(delay=0.0)
        self.server = None
        self.start()

    def start(self):
        self.server = _Server(("127.0.0.1", self.port), _Session)
        self.server.sink = self.sink
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def cut(self):
        self.server.shutdown()
        self.server.server_close()

    def message_ids(self):
        return Counter(message["Message-ID"] for message in list(self.sink.messages))


class Host:
    """One app host: `manage.py serve` on its own port, with its own mail
    worker and static files."""

    def __init__(self, name, directory, env):
        self.name, self.port = name, free_port()
        self.env = {**env, "WEB_BIND": f"127.0.0.1:{self.port}", "STATIC_ROOT": str(directory / "static")}
        self.log = directory / f"{name}.log"
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
            timeout=300,
        )
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "serve"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(f"http://127.0.0.1:{self.port}/healthz")

    def granian(self):
        return next(pid for pid in children(self.process.pid) if "granian" in command_line(pid))

    def web_workers(self):
        return children(self.granian())

    def mail_worker(self):
        found = [pid for pid in children(self.process.pid) if "send_outbox" in command_line(pid)]
        return found[0] if found else None

    def page(self, path=ARTICLE):
        """The page as this host answers it, asked directly, as nginx would."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "localhost", "X-Forwarded-Proto": "https", "Accept-Encoding": "identity"}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class Cluster:
    def __init__(self, directory):
        self.directory = directory
        self.services = Services()
        self.mail = MailServer()
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")},
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SITE_URL": "https://localhost",
            "TRUSTED_PROXIES": "127.0.0.1",
            "WEB_CONCURRENCY": str(WEB_WORKERS),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mail.port),
            "COMMENTS_EMAILS": "1",
            "COMMENTS_EMAIL_TIMEOUT": "5",
            "COMMENTS_NOTIFY_MODERATORS": "0",
            "MODERATION_UNDO_SECONDS": "0",
            "OUTBOX_POLL_SECONDS": "1",
            "OUTBOX_RETRY_SECONDS": "1",
            "OUTBOX_MAX_RETRY_SECONDS": "2",
            # Every commenter here comes from 127.0.0.1 through nginx.
            "COMMENTS_RATE_LIMIT": "100000",
            "COMMENTS_PER_PAGE": "1000",
            "LOG_LEVEL": "WARNING",
        }
        # One host runs the migrations and loads the article, before any
        # host serves (docs/deployment.md: Running on several machines).
        self.manage("migrate", "--noinput")
        self.manage("load_article")
        self.shell("from django.contrib.auth.models import User; User.objects.create_superuser('root', None, None)")
        self.hosts = [Host(name, directory, self.env) for name in ("host-a", "host-b")]
        self.start_nginx()

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

    def shell(self, code):
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def start_nginx(self):
        self.http_port, self.https_port = free_port(), free_port()
        self.nginx, self.tls = start_nginx(
            self.directory / "nginx",
            [host.port for host in self.hosts],
            http_port=self.http_port,
            https_port=self.https_port,
        )

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPSConnection("localhost", self.https_port, context=self.tls, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheader("Location", ""), response.read()
        finally:
            connection.close()

    def comment_status(self, body):
        return self.shell(f"from comments.models import Comment; print(Comment.objects.get(body={body!r}).status)")

    def approve(self, body):
        """Approve the comment with `body` as a moderator would; the moment it committed."""
        self.shell(
            "from django.contrib.auth.models import User; from comments.models import Comment; "
            "from comments.moderation import approve; "
            f"approve(Comment.objects.get(body={body!r}), by=User.objects.get(username='root'))"
        )
        return time.monotonic()

    def seconds_until_every_host_shows(self, text, *, shown=True):
        """How long after now until both hosts' pages agree that `text` is (or is not) there."""
        start = time.monotonic()
        for host in self.hosts:
            wait_until(lambda host=host: (text in host.page()[1]) == shown, VISIBLE_WITHIN + POLL_SLACK + 5)
        return time.monotonic() - start

    def stop(self):
        for host in getattr(self, "hosts", []):
            host.stop()
        if getattr(self, "nginx", None) and self.nginx.poll() is None:
            os.killpg(self.nginx.pid, signal.SIGTERM)
            self.nginx.wait(timeout=30)
        self.mail.cut()


class Traffic:
    """Readers and commenters through nginx, until stopped: every answer a
    reader got, and every comment the site accepted."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.answers = []
        self.accepted = []
        self.refused = []
        self.running = threading.Event()
        self.posting = threading.Event()
        # Held by a post in flight, so that a restore can wait for it.
        self.post_lock = threading.Lock()
        self.approved = set()
        self.threads = [threading.Thread(target=self.read, daemon=True) for _ in range(2)]
        self.threads.append(threading.Thread(target=self.post, daemon=True))

    def start(self):
        self.running.set()
        self.posting.set()
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.running.clear()
        for thread in self.threads:
            thread.join(timeout=60)

    def read(self):
        while self.running.is_set():
            try:
                status = self.cluster.request("GET", ARTICLE)[0]
            except OSError as error:
                status = f"{type(error).__name__}"
            self.answers.append((time.monotonic(), status))
            time.sleep(0.02)

    def post(self):
        number = 0
        while self.running.is_set():
            if not self.posting.wait(timeout=0.2):
                continue
            number += 1
            body = f"Cluster comment {number} {secrets.token_hex(4)}."
            form = urlencode(
                {"name": f"Reader {number}", "email": f"reader{number}@example.org", "body": body, "website": ""}
                | {"notify_on_publish": "on"}
            )
            with self.post_lock:
                if not self.posting.is_set():
                    continue
                try:
                    status, location, _ = self.cluster.request(
                        "POST",
                        ARTICLE + "comments/",
                        body=form,
                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                    )
                except OSError:
                    status, location = None, ""
                (self.accepted if status == 302 and "/received/" in location else self.refused).append(
                    (time.monotonic(), body, status)
                )
            time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = None
    try:
        cluster = Cluster(tmp_path_factory.mktemp("cluster"))
        yield cluster
    finally:
        if cluster is not None:
            cluster.stop()


@pytest.fixture(scope="module")
def run(cluster):
    """Every fault in turn under traffic; what each step measured."""
    traffic = Traffic(cluster)
    traffic.start()
    log = {"visible": {}, "back": {}}
    try:
        time.sleep(2)

        # A restore, first, while no email is in flight: a backup, an
        # approval after it, the restore, which must take the approval back
        # on every host. Commenters wait meanwhile, as a restore would lose
        # what they sent after the backup.
        traffic.posting.clear()
        traffic.post_lock.acquire()
        before = traffic.accepted[-1][1]
        backup = cluster.directory / "before-approval.dump"
        cluster.manage("backup", str(backup))
        cluster.approve(before)
        log["visible"]["approval"] = cluster.seconds_until_every_host_shows(before)
        cluster.manage("restore", "--noinput", str(backup))
        log["visible"]["restore"] = cluster.seconds_until_every_host_shows(before, shown=False)
        log["restored_status"] = cluster.comment_status(before)
        traffic.post_lock.release()
        traffic.posting.set()

        # Redis stopped, then started again; then refusing writes while a
        # comment is approved.
        cluster.services.stop_redis()
        time.sleep(3)
        log["visible"]["approval with Redis stopped"] = _approve_and_watch(cluster, traffic)
        cluster.services.start_redis()
        time.sleep(2)
        cluster.services.redis("client", "pause", "4000", "write")
        log["visible"]["approval with Redis writes paused"] = _approve_and_watch(cluster, traffic)
        time.sleep(4)

        # An editor publishes a change to a section.
        text = f"A published change {secrets.token_hex(4)}."
        cluster.shell(
            "from django.contrib.auth.models import User; from articles import drafts; "
            "from articles.models import Article, DraftSection; "
            "article = Article.objects.get(slug='thymosin-alpha-1'); drafts.draft_of(article); "
            "draft = DraftSection.objects.filter(article=article).order_by('position').first(); "
            f"draft.body = draft.body + '\\n\\n' + {text!r}; draft.save(); "
            "root = User.objects.get(username='root'); drafts.record(article, by=root); drafts.publish(article, by=root)"
        )
        log["visible"]["publish"] = cluster.seconds_until_every_host_shows(text)

        # PostgreSQL restarted: the only window in which readers may see an error.
        log["postgres_restart"] = [time.monotonic()]
        cluster.services.restart_postgres()
        log["postgres_restart"].append(time.monotonic() + 5)
        time.sleep(3)

        # A web worker on one host and the mail worker on the other, killed.
        a, b = cluster.hosts
        killed_web = a.web_workers()[0]
        os.kill(killed_web, signal.SIGKILL)
        start = time.monotonic()
        wait_until(lambda: killed_web not in a.web_workers() and len(a.web_workers()) == WEB_WORKERS, 30)
        log["back"]["web worker"] = time.monotonic() - start
        killed_mail = b.mail_worker()
        os.kill(killed_mail, signal.SIGKILL)
        start = time.monotonic()
        wait_until(lambda: b.mail_worker() not in (None, killed_mail), 30)
        log["back"]["mail worker"] = time.monotonic() - start

        # The mail server slow (2 s a message) while comments are approved,
        # then unreachable, then back.
        cluster.mail.sink.delay = 2.0
        for _ in range(3):
            _approve_and_watch(cluster, traffic)
        time.sleep(3)
        cluster.mail.cut()
        for _ in range(2):
            _approve_and_watch(cluster, traffic)
        time.sleep(4)
        cluster.mail.sink.delay = 0.0
        cluster.mail.start()
        time.sleep(2)
    finally:
        traffic.stop()
    log["sent"] = _wait_for_the_outbox(cluster)
    # What this run measured, beside the hosts' logs, for whoever reads them.
    (cluster.directory / "measured.json").write_text(json.dumps({k: log[k] for k in ("visible", "back")}, indent=2))
    return traffic, log


def _approve_and_watch(cluster, traffic):
    """Approve the latest comment not yet approved; seconds until both hosts show it."""
    body = next(body for _, body, _ in reversed(traffic.accepted) if body not in traffic.approved)
    traffic.approved.add(body)
    cluster.approve(body)
    return cluster.seconds_until_every_host_shows(body)


def _wait_for_the_outbox(cluster):
    """The Message-IDs of every email the outbox holds as sent, once none waits."""
    waiting = "from outbox.models import OutboundEmail as E; print(E.objects.unsent().count())"
    wait_until(lambda: cluster.shell(waiting) == "0", 120, interval=1)
    ids = cluster.shell(
        "from outbox.models import OutboundEmail as E; from outbox import sender; "
        "print('\\n'.join(sender.message_id(e) for e in E.objects.exclude(sent_at=None)))"
    )
    return [line for line in ids.splitlines() if line]


def test_readers_get_no_server_error_outside_the_database_restart(run):
    traffic, log = run
    restart_began, restart_ended = log["postgres_restart"]
    errors = [
        (round(at - restart_began, 1), status)
        for at, status in traffic.answers
        if not (restart_began <= at <= restart_ended) and not (isinstance(status, int) and status < 500)
    ]
    assert len(traffic.answers) > 100
    assert errors == []


def test_every_accepted_comment_is_stored_once(run, cluster):
    traffic, _ = run
    bodies = [body for _, body, _ in traffic.accepted]
    counts = cluster.shell(
        "import json; from comments.models import Comment; "
        f"print(json.dumps([Comment.objects.filter(body=b).count() for b in {bodies!r}]))"
    )
    assert len(bodies) > 20
    assert counts == str([1] * len(bodies)).replace("'", '"')


def test_every_change_shows_on_both_hosts_within_the_bound(run):
    _, log = run
    late = {
        change: round(seconds, 2) for change, seconds in log["visible"].items() if seconds > VISIBLE_WITHIN + POLL_SLACK
    }
    assert set(log["visible"]) >= {"approval", "restore", "publish", "approval with Redis writes paused"}
    assert late == {}


def test_a_restore_takes_back_the_approval_made_after_the_backup(run):
    _, log = run
    assert log["restored_status"] == "pending"


def test_every_email_reaches_the_mail_server_once(run, cluster):
    _, log = run
    received = cluster.mail.message_ids()
    sent = log["sent"]
    assert len(sent) >= 5
    assert set(sent) <= set(received)
    twice = {message_id: count for message_id, count in received.items() if count > 1}
    # At most the one email a killed mail worker may have handed over without
    # recording it, and never more than twice.
    assert len(twice) <= 1 and set(twice.values()) <= {2}


def test_killed_workers_are_back_within_ten_seconds(run):
    _, log = run
    assert set(log["back"]) == {"web worker", "mail worker"}
    assert max(log["back"].values()) <= BACK_WITHIN
