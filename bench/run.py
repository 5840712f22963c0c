"""`make bench`: the production server under load, measured in one run.

Builds a throwaway site (SQLite database, the article, 500 approved comments,
collected static files) and measures three setups one after the other, each
served by `manage.py serve` (granian) exactly as `make run` starts it (DEBUG
off, default worker and thread counts; the mail worker off, as it has nothing
to send here):

- "make run": no Redis, as a newcomer gets it; beside it gunicorn (its sync
  workers, as `make run` served the site before granian) serves the same
  site on another port, and its article row is measured in the same rounds,
  so that granian / gunicorn on the same page is a ratio within each round;
- "redis": the same with a throwaway redis-server as REDIS_URL (pages kept
  in Redis; on SQLite the page version is still checked with data_version);
- "redis version check": the same, with the page version kept in Redis as
  on PostgreSQL (ARTICLE_VERSION_CHECK=redis), to show what that costs.

For each it drives wrk at BENCH_CONNECTIONS connections and prints:

- the article page's requests/s and p50/p99 latency, against a ceiling: a
  static file with the same bytes, served by whitenoise through the same
  server and middleware, measured in the same run (plain and compressed);
- a cookie-less revalidation with the page's ETag (304);
- for each of these, the server's CPU time per answered request (the
  workers' user and system time over the run, divided by the requests):
  the work a request costs, steadier than requests/s on a busy machine;
- comment POSTs/s (each a new comment, rate limit lifted), failures, and
  whether every accepted comment was stored exactly once, in rounds
  interleaved with the same POSTs to gunicorn;
- the peak resident memory of each granian worker;
- the work one warm request does (SQL queries, other database statements,
  cache operations, the version check's Redis commands), counted in-process
  through the whole middleware stack;
- the page's size, plain and compressed;
- behind deploy/nginx.conf (TLS as shipped, its microcache), the article
  against the same bytes as a file that the same nginx serves itself;
- growth: the article page rendered for a new version (in-process, render
  only, every cache empty: its newest page of comments, where readers land,
  and its oldest) and the moderation queue, in a copy of the
  site's database (500 approved comments, 50 waiting for review) and in a
  copy grown to 100,000 approved and 112,000 waiting;
- /healthz through `manage.py serve` while 50 clients trickle their headers.

The page and its ceiling are measured in BENCH_ROUNDS rounds, each row once
per round, one after the other; a ratio is taken within each round and the
median of the rounds is reported, so that a drift in the machine's speed
(other processes, CPU frequency) falls on both sides of a ratio alike.

Everything it starts, it stops. Settings: BENCH_SECONDS (10 per measurement,
split over the rounds), BENCH_ROUNDS (5), BENCH_CONNECTIONS (32),
BENCH_THREADS (wrk threads, 2).
"""

import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "/articles/thymosin-alpha-1/"
STATIC_COPY = "bench/article.html"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
ROUND_SECONDS = max(2, round(SECONDS / ROUNDS))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WRK_THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WRK = shutil.which("wrk") or "/usr/bin/wrk"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
COMPRESSED = "Accept-Encoding: gzip, deflate, br"

ADD_COMMENTS = """
import random
from articles.models import Article
from comments import counts
from comments.models import Comment, Status
article = Article.objects.get(slug="thymosin-alpha-1")
words = "thymosin immune response study dose week trial patients evidence helpful question thanks".split()
rng = random.Random(1)
Comment.objects.bulk_create(
    Comment(
        article=article,
        name=f"Reader {n}",
        email=f"reader{n}@example.org",
        body=" ".join(rng.choice(words) for _ in range(rng.randint(15, 45))).capitalize() + ".",
        body_html="",
        status=Status.APPROVED,
    )
    for n in range(500)
)
for comment in Comment.objects.all():
    comment.save()  # renders body_html
counts.recount(article)
"""

# The page through the whole middleware stack, as a browser without cookies
# asks for it; then the work of one more (warm) request, counted.
WARM_REQUEST_WORK = """
import json, sys
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles import versions

client = Client(HTTP_HOST="127.0.0.1")
page = client.get(ARTICLE).content
statements, cache_ops = [], []
cache = caches["default"]
for name in ("get", "set", "add", "delete", "get_many", "set_many", "incr", "touch", "has_key"):
    method = getattr(cache, name)
    setattr(cache, name, lambda *a, _name=name, _method=method, **k: cache_ops.append(_name) or _method(*a, **k))
redis_commands = []
check = versions._check()
if isinstance(check, versions.RedisCheck):
    for name in ("get", "set"):
        method = getattr(check.client, name)
        setattr(check.client, name, lambda *a, _name=name, _method=method, **k: redis_commands.append(_name.upper()) or _method(*a, **k))
if connection.vendor == "sqlite":
    connection.ensure_connection()
    connection.connection.set_trace_callback(statements.append)
with CaptureQueriesContext(connection) as queries:
    response = client.get(ARTICLE)
assert response.status_code == 200 and response.content == page
if connection.vendor == "sqlite":
    connection.connection.set_trace_callback(None)
sys.stdout.buffer.write(page)
print(json.dumps({"queries": [q["sql"] for q in queries], "statements": statements, "cache": cache_ops, "redis": redis_commands}), file=sys.stderr)
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def django(env, code, **kwargs):
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code], cwd=ROOT, env=env, check=True, **kwargs
    )


def wait_until_healthy(base, process, log):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"The server did not become healthy:\n{log.read_text()}")


def wrk(url, *script, seconds=SECONDS, headers=()):
    script_options = ["-s", script[0]] if script else []
    script_args = ["--", *script[1:]] if script else []
    header_options = [option for header in headers for option in ("-H", header)]
    load = [f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    result = subprocess.run(
        [WRK, *load, *header_options, *script_options, url, *script_args],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def summary(output):
    non_success = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    unanswered = sum(map(int, socket_errors.groups())) if socket_errors else 0
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": (int(non_success.group(1)) if non_success else 0) + unanswered,
        "unanswered": unanswered,
    }


def workers_of(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def server_cpu_seconds(master):
    """CPU time (user and system) a server's workers have used so far: the
    live ones, and through the master's reaped-children count the ones
    replaced since (granian's memory bound, gunicorn's max_requests)."""
    ticks = 0
    for pid in workers_of(master):
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    fields = Path(f"/proc/{master}/stat").read_text().rpartition(")")[2].split()
    ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def measured_run(master, url, headers):
    """One wrk run, with the server's CPU time per answered request."""
    before = server_cpu_seconds(master)
    result = summary(wrk(url, seconds=ROUND_SECONDS, headers=headers))
    result["cpu_us"] = (server_cpu_seconds(master) - before) / max(result["requests"], 1) * 1e6
    return result


def post_run(base, run):
    """One wrk run of comment POSTs (bench/post.lua, every name new)."""
    output = wrk(
        base + ARTICLE,
        str(ROOT / "bench" / "post.lua"),
        ARTICLE + "comments/",
        re.sub(r"\W+", "-", run),
        seconds=ROUND_SECONDS,
    )
    posts = summary(output)
    # post.lua counts every answer but the redirect (which wrk's own
    # "Non-2xx" count repeats for 4xx and 5xx); add only what never got an answer.
    posts["failures"] = int(re.search(r"failures (\d+)", output).group(1)) + posts["unanswered"]
    return posts


def peak_rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


COUNT_COMMENTS = """
import json
from django.db.models import Count
from comments.models import Comment
bodies = Comment.objects.filter(status="pending").values("body").annotate(n=Count("pk"))
print(json.dumps({"stored": sum(row["n"] for row in bodies), "repeated": sum(row["n"] - 1 for row in bodies if row["n"] > 1)}))
"""


def pending_comments(env):
    return json.loads(django(env, COUNT_COMMENTS, capture_output=True, text=True).stdout)


def etag_of(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        response.read()
        return response.headers["ETag"]


class Services:
    """What one setup runs: optionally a redis-server, `manage.py serve`, and
    optionally gunicorn beside it."""

    def __init__(self, workdir, env, name):
        self.workdir, self.env, self.name = workdir, dict(env), name
        self.processes = []

    def start_redis(self):
        socket_path = self.workdir / "redis.sock"
        redis = subprocess.Popen(
            [REDIS_SERVER, "--port", "0", "--unixsocket", str(socket_path), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.processes.append(redis)
        deadline = time.monotonic() + 20
        while not socket_path.exists():
            if time.monotonic() > deadline or redis.poll() is not None:
                sys.exit("redis-server did not start")
            time.sleep(0.1)
        self.env["REDIS_URL"] = f"unix://{socket_path}"

    def start(self, command, port, name, **env):
        log = self.workdir / f"{name}-{self.name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        wait_until_healthy(f"http://127.0.0.1:{port}", process, log)
        return process

    def start_server(self, port):
        serve = self.start([sys.executable, "manage.py", "serve"], port, "serve", WEB_BIND=f"127.0.0.1:{port}")
        # granian's main process, whose children are the workers.
        [self.server] = workers_of(serve.pid)

    def start_gunicorn(self, port):
        """gunicorn's sync workers as `make run` ran them before granian."""
        command = [sys.executable, "-m", "gunicorn", "ta1.wsgi", "--bind", f"127.0.0.1:{port}"]
        options = ["--workers", str(GUNICORN_WORKERS), "--preload", "--no-control-socket"]
        recycling = ["--max-requests", "10000", "--max-requests-jitter", "1000"]
        self.gunicorn = self.start([*command, *options, *recycling], port, "gunicorn").pid

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


# The setup in which gunicorn serves the article beside granian.
COMPARED_SETUP = "make run"
# gunicorn's sync workers as `make run` started them: two per core and one.
GUNICORN_WORKERS = min(2 * (os.cpu_count() or 1) + 1, 8)

SETUPS = {
    "make run": {},
    "redis": {},
    "redis version check": {"ARTICLE_VERSION_CHECK": "redis"},
}


def measure(workdir, env, name):
    services = Services(workdir, {**env, **SETUPS[name]}, name.replace(" ", "-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        if name.startswith("redis"):
            services.start_redis()
        services.start_server(port)
        work = django(services.env, WARM_REQUEST_WORK.replace("ARTICLE", repr(ARTICLE)), capture_output=True)
        per_request = json.loads(work.stderr.decode().strip().splitlines()[-1])
        etag = etag_of(base, ARTICLE)
        measured = [
            ("ceiling", services.server, base + f"/static/{STATIC_COPY}", ()),
            ("article", services.server, base + ARTICLE, ()),
            ("304 revalidation", services.server, base + ARTICLE, (f"If-None-Match: {etag}",)),
            ("ceiling, compressed", services.server, base + f"/static/{STATIC_COPY}", (COMPRESSED,)),
            ("article, compressed", services.server, base + ARTICLE, (COMPRESSED,)),
        ]
        if name == COMPARED_SETUP:
            gunicorn_port = free_port()
            services.start_gunicorn(gunicorn_port)
            measured.append(("article, gunicorn", services.gunicorn, f"http://127.0.0.1:{gunicorn_port}{ARTICLE}", ()))
        for _, _, url, headers in measured:
            wrk(url, seconds=2, headers=headers)  # every worker warm
        rounds = [
            {row: measured_run(master, url, headers) for row, master, url, headers in measured} for _ in range(ROUNDS)
        ]
        rows = {row: median_of([each[row] for each in rounds]) for row, _, _, _ in measured}
        posters = [("comment POSTs", base)]
        if name == COMPARED_SETUP:
            posters.append(("comment POSTs, gunicorn", f"http://127.0.0.1:{gunicorn_port}"))
        before = pending_comments(services.env)
        # Interleaved, as the page rows are: a round for each server in turn,
        # so that a busy moment on the machine falls on both.
        post_rounds = [
            {row: post_run(server, f"{name}-{row}-{number}") for row, server in posters} for number in range(ROUNDS)
        ]
        after = pending_comments(services.env)
        for row, _ in posters:
            rows[row] = median_of([each[row] for each in post_rounds])
            rows[row]["failures"] = sum(each[row]["failures"] for each in post_rounds)
        rows["comment POSTs"]["accepted"] = sum(
            each[row]["requests"] - each[row]["failures"] for each in post_rounds for row, _ in posters
        )
        rows["comment POSTs"]["stored"] = after["stored"] - before["stored"]
        rows["comment POSTs"]["stored_twice"] = after["repeated"]
        rounds = [{**pages, **posts} for pages, posts in zip(rounds, post_rounds, strict=True)]
        rss = [peak_rss_mb(pid) for pid in workers_of(services.server)]
    finally:
        services.stop()
    return {"rows": rows, "rounds": rounds, "rss_mb": rss, "per_request": per_request}


def median_of(summaries):
    """One row's rounds: the median of each figure, the errors of all."""
    return {
        "rps": statistics.median(each["rps"] for each in summaries),
        "p50": statistics.median(each["p50"] for each in summaries),
        "p99": statistics.median(each["p99"] for each in summaries),
        "requests": sum(each["requests"] for each in summaries),
        "errors": sum(each["errors"] for each in summaries),
        "unanswered": sum(each["unanswered"] for each in summaries),
        **(
            {"cpu_us": statistics.median(each["cpu_us"] for each in summaries)}
            if all("cpu_us" in each for each in summaries)
            else {}
        ),
    }


def ratio(result, row, ceiling):
    """`row` against `ceiling`, taken within each round; the median of the rounds."""
    return statistics.median(each[row]["rps"] / each[ceiling]["rps"] for each in result["rounds"])


def verdict(ok):
    return "met" if ok else "NOT met"


def report(name, result):
    rows = result["rows"]
    article, posts = rows["article"], rows["comment POSTs"]
    print(f"\n== {name}: granian {len(result['rss_mb'])} workers; wrk {WRK_THREADS} threads, {CONNECTIONS} connections")
    print(f"{'':24}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'server CPU/request':>20}")
    for row, numbers in rows.items():
        cpu = f"{numbers['cpu_us']:.0f} us" if "cpu_us" in numbers else ""
        print(
            f"{row:24}{numbers['rps']:>12.0f}{numbers['p50']:>10.2f}{numbers['p99']:>10.2f}{numbers['errors']:>8}{cpu:>20}"
        )
    article_ratio = ratio(result, "article", "ceiling")
    compressed_ratio = ratio(result, "article, compressed", "ceiling, compressed")
    revalidation_ratio = ratio(result, "304 revalidation", "ceiling")
    print(f"(each row: the median of {ROUNDS} rounds of {ROUND_SECONDS} s, ratios taken within each round)")
    print(
        f"article / ceiling: {article_ratio:.2f} (compressed: {compressed_ratio:.2f}); "
        f"goal >= 0.9: {verdict(article_ratio >= 0.9)}"
    )
    print(f"article p99: {article['p99']:.1f} ms; goal < 15 ms: {verdict(article['p99'] < 15)}")
    if gunicorn := rows.get("article, gunicorn"):
        faster = ratio(result, "article", "article, gunicorn")
        print(
            f"article, granian / gunicorn ({GUNICORN_WORKERS} sync workers): {faster:.2f}; p99 {article['p99']:.1f} ms "
            f"against {gunicorn['p99']:.1f} ms; goal >= 2: {verdict(faster >= 2)}"
        )
    print(f"304 / ceiling: {revalidation_ratio:.2f}; goal >= 1: {verdict(revalidation_ratio >= 1)}")
    # A request wrk leaves in flight at the end of a round may be stored
    # without being counted as answered: stored may exceed accepted, never trail it.
    whole = posts["failures"] == 0 and posts["stored"] >= posts["accepted"] and posts["stored_twice"] == 0
    print(
        f"comment POSTs: {posts['rps']:.0f}/s, {posts['failures']} failures; of {posts['accepted']} accepted "
        f"(both servers), {posts['stored']} stored, {posts['stored_twice']} stored twice; "
        f"goal >= 300/s, every accepted comment stored once: {verdict(posts['rps'] >= 300 and whole)}"
    )
    if "comment POSTs, gunicorn" in rows:
        against = ratio(result, "comment POSTs", "comment POSTs, gunicorn")
        print(f"comment POSTs, granian / gunicorn: {against:.2f}; goal >= 1: {verdict(against >= 1)}")
    rss = result["rss_mb"]
    print(f"peak RSS per worker: {', '.join(f'{mb:.1f}' for mb in rss)} MB; goal < 100 MB: {verdict(max(rss) < 100)}")
    work = result["per_request"]
    other = [s for s in work["statements"] if s not in work["queries"]]
    print(
        f"one warm article request: {len(work['queries'])} SQL queries {work['queries']}, "
        f"{len(other)} other database statements {other}, {len(work['cache'])} cache operations {work['cache']}, "
        f"{len(work['redis'])} Redis commands of the version check {work['redis']}"
    )


# Behind nginx: deploy/nginx.conf as compose gives it to the nginx service,
# with only its ports, the app's address, the cache's directory and the access
# log's path changed, and one location added that serves the page's bytes
# from a file.
NGINX_MAIN = """
{user}
worker_processes auto;
pid nginx.pid;
error_log error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    client_body_temp_path tmp;
    proxy_temp_path tmp;
    fastcgi_temp_path tmp;
    uwsgi_temp_path tmp;
    scgi_temp_path tmp;
    include site.conf;
}}
"""


def replace_once(text, old, new):
    if text.count(old) != 1:
        sys.exit(f"deploy/nginx.conf should contain {old!r} once")
    return text.replace(old, new)


def start_nginx(services, prefix, app_port, https_port):
    """nginx with deploy/nginx.conf in front of the app at `app_port`, serving
    the static copy of the page itself at /STATIC_COPY; it stops with
    `services`. Returns it, and a TLS context that trusts its certificate."""
    (prefix / "certs").mkdir(parents=True)
    (prefix / "tmp").mkdir()
    certificate = prefix / "certs" / "fullchain.pem"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", prefix / "certs" / "privkey.pem", "-out", certificate],
        check=True,
        capture_output=True,
    )
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = replace_once(site, "listen 80;", f"listen 127.0.0.1:{free_port()};")
    file_location = f"location = /{STATIC_COPY} {{ root {services.workdir / 'static'}; default_type text/html; }}"
    site = replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;\n    {file_location}")
    site = replace_once(site, "server app:8000;", f"server 127.0.0.1:{app_port};")
    site = replace_once(site, "/var/cache/nginx/ta1", str(prefix / "cache"))
    site = replace_once(site, "/var/log/nginx/access.log", str(prefix / "access.log"))
    (prefix / "site.conf").write_text(site)
    # As root, nginx's workers would drop to `nobody`, who cannot write here.
    (prefix / "nginx.conf").write_text(NGINX_MAIN.format(user="user root;" if os.geteuid() == 0 else ""))
    nginx = subprocess.Popen(
        [NGINX, "-p", f"{prefix}/", "-c", "nginx.conf", "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    services.processes.append(nginx)
    tls = ssl.create_default_context(cafile=certificate)
    deadline = time.monotonic() + 30
    while True:
        try:
            cache_status(f"https://127.0.0.1:{https_port}/{STATIC_COPY}", tls)
            return nginx, tls
        except OSError:
            if time.monotonic() > deadline or nginx.poll() is not None:
                error_log = prefix / "error.log"
                sys.exit(f"nginx did not start:\n{error_log.read_text() if error_log.exists() else ''}")
            time.sleep(0.2)


def cache_status(url, tls):
    """nginx's X-Cache-Status for one request."""
    with urllib.request.urlopen(url, timeout=10, context=tls) as response:
        response.read()
        return response.headers.get("X-Cache-Status")


def behind_nginx(workdir, env):
    """The article through nginx's microcache against the same bytes as a
    file from the same nginx, TLS and all, in interleaved rounds; the CPU
    time per request is nginx's workers'."""
    services = Services(workdir, env, "behind-nginx")
    app_port, https_port = free_port(), free_port()
    base = f"https://127.0.0.1:{https_port}"
    measured = (("same bytes as a file", f"/{STATIC_COPY}"), ("article (microcache)", ARTICLE))
    try:
        services.start_server(app_port)
        nginx, tls = start_nginx(services, workdir / "nginx", app_port, https_port)
        statuses = [cache_status(base + ARTICLE, tls) for _ in range(2)]
        for _, path in measured:
            wrk(base + path, seconds=2)  # nginx's workers and the cache warm
        rounds = [{row: measured_run(nginx.pid, base + path, ()) for row, path in measured} for _ in range(ROUNDS)]
    finally:
        services.stop()
    rows = {row: median_of([each[row] for each in rounds]) for row, _ in measured}
    return {"rows": rows, "rounds": rounds, "cache_statuses": statuses}


def report_behind_nginx(result):
    print(f"\n== behind deploy/nginx.conf (TLS as shipped): wrk {WRK_THREADS} threads, {CONNECTIONS} connections")
    print(f"{'':24}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'nginx CPU/request':>20}")
    for row, numbers in result["rows"].items():
        print(
            f"{row:24}{numbers['rps']:>12.0f}{numbers['p50']:>10.2f}{numbers['p99']:>10.2f}{numbers['errors']:>8}"
            f"{numbers['cpu_us']:>17.0f} us"
        )
    article_ratio = ratio(result, "article (microcache)", "same bytes as a file")
    print(
        f"article through the microcache / the same bytes as a file: {article_ratio:.2f} "
        f"(X-Cache-Status of two requests in a row: {', '.join(map(str, result['cache_statuses']))}); "
        f"goal >= 0.9: {verdict(article_ratio >= 0.9)}"
    )


# Growth: what a page costs must not grow with the comments. Two copies of
# the site's database: "small", its 500 approved comments and one page of the
# queue waiting (QUEUE_PAGE); "grown", the same filled with bulk_create (then
# counted once, as bulk_create passes by the models) up to GROWN_APPROVED
# approved and GROWN_PENDING waiting, interleaved in time over the year before.
GROWN_APPROVED, GROWN_PENDING = 100_000, 112_000
QUEUE_PAGE = 50
RENDERS = 5

WAITING = """
from articles.models import Article
from comments import counts
from comments.models import Comment
article = Article.objects.get(slug="thymosin-alpha-1")
for n in range(QUEUE_PAGE):
    Comment.objects.create(article=article, name=f"Waiting {n}", email=f"waiting{n}@example.org", body="A question.")
counts.recount(article)
"""

GROW = """
import random
from datetime import timedelta
from django.db import transaction
from django.utils import timezone
from articles.models import Article
from comments import counts, text
from comments.models import Comment, Status
article = Article.objects.get(slug="thymosin-alpha-1")
words = "thymosin immune response study dose week trial patients evidence helpful question thanks".split()
rng = random.Random(2)
bodies = [" ".join(rng.choice(words) for _ in range(rng.randint(15, 45))).capitalize() + "." for _ in range(200)]
bodies = [(body, text.render(body)) for body in bodies]
statuses = [Status.APPROVED] * (APPROVED - article.comments.approved().count())
statuses += [Status.PENDING] * (PENDING - article.comments.pending().count())
rng.shuffle(statuses)
start = timezone.now() - timedelta(days=366)
step = timedelta(days=365) / len(statuses)
with transaction.atomic():
    for first in range(0, len(statuses), 5000):
        Comment.objects.bulk_create(
            Comment(
                article=article,
                name=f"Reader {n}",
                email=f"grown{n}@example.org",
                email_key=f"grown{n}@example.org",
                body=bodies[n % len(bodies)][0],
                body_html=bodies[n % len(bodies)][1],
                status=status,
                created_at=start + step * n,
            )
            for n, status in enumerate(statuses[first : first + 5000], start=first)
        )
    counts.recount(article)
"""

# In the process: the article page's newest page of comments (the bare
# address, where readers land) and its oldest, rendered as for a new version
# (every cache emptied first), and the moderation queue as a moderator opens it.
RENDER_AND_QUEUE = """
import json, statistics, time
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from articles import versions
from pages import shared
from pages.context import comment_paginator

def render(number):
    article = versions.published_article("thymosin-alpha-1")
    cache.clear()
    shared.local_pages.pages.clear()
    start = time.perf_counter()
    assert shared.stored_page(article, number, shared.page_key(article, number)) is not None
    return (time.perf_counter() - start) * 1000

moderator, _ = get_user_model().objects.get_or_create(username="bench", is_staff=True, is_superuser=True)
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(moderator)

def queue():
    start = time.perf_counter()
    assert client.get("/admin/comments/comment/").status_code == 200
    return (time.perf_counter() - start) * 1000

newest = comment_paginator(versions.published_article("thymosin-alpha-1")).num_pages
render(newest), queue()  # templates compiled, connection open
print(json.dumps({
    "newest_ms": statistics.median(render(newest) for _ in range(RENDERS)),
    "oldest_ms": statistics.median(render(1) for _ in range(RENDERS)),
    "queue_ms": statistics.median(queue() for _ in range(RENDERS)),
}))
"""


def copy_database(source, target):
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)


def growth(workdir, env):
    """The article page's first render and the moderation queue in the small
    and the grown copy of the site's database, the two measured one after
    the other in each of BENCH_ROUNDS rounds."""
    databases = {name: workdir / f"{name}.sqlite3" for name in ("small", "grown")}
    # The queue is the admin's: the second factor asks nothing of a client logged in here.
    copies = {
        name: {**env, "OTP_REQUIRED": "0", "DATABASE_URL": f"sqlite:///{path}"} for name, path in databases.items()
    }
    copy_database(workdir / "bench.sqlite3", databases["small"])
    django(copies["small"], f"QUEUE_PAGE = {QUEUE_PAGE}\n" + WAITING)
    copy_database(databases["small"], databases["grown"])
    django(copies["grown"], f"APPROVED, PENDING = {GROWN_APPROVED}, {GROWN_PENDING}\n" + GROW)
    code = f"RENDERS = {RENDERS}\n" + RENDER_AND_QUEUE
    rounds = [
        {
            name: json.loads(django(copy, code, capture_output=True, text=True).stdout.splitlines()[-1])
            for name, copy in copies.items()
        }
        for _ in range(ROUNDS)
    ]
    return {"rounds": rounds}


def report_growth(result):
    rounds = result["rounds"]

    def median(copy, row):
        return statistics.median(each[copy][row] for each in rounds)

    def grew(row):
        return statistics.median(each["grown"][row] / each["small"][row] for each in rounds)

    print(
        f"\n== growth: 500 approved comments and {QUEUE_PAGE} waiting, against {GROWN_APPROVED:,} and "
        f"{GROWN_PENDING:,} (in-process, the median of {ROUNDS} rounds of {RENDERS}, ratios within each round)"
    )
    for row, label in (("newest_ms", "newest (the bare address, where readers land)"), ("oldest_ms", "oldest")):
        goal = f"; goal <= 2: {verdict(grew(row) <= 2)}" if row == "newest_ms" else ""
        print(
            f"article page, {label} page of comments, rendered for a new version with every cache empty: "
            f"{median('small', row):.1f} against {median('grown', row):.1f} ms, ratio {grew(row):.2f}{goal}"
        )
    queue = median("grown", "queue_ms")
    print(
        f"moderation queue: {median('small', 'queue_ms'):.0f} against {queue:.0f} ms, ratio {grew('queue_ms'):.2f}; "
        f"goal < 200 ms with {GROWN_PENDING:,} waiting: {verdict(queue < 200)}"
    )


# Slow clients: SLOW_CLIENTS connections that send their request headers a
# byte at a time, never finishing, while /healthz is asked HEALTH_CHECKS times.
SLOW_CLIENTS = 50
HEALTH_CHECKS = 20


def healthz_ms(base):
    start = time.perf_counter()
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def slow_clients(workdir, env):
    """/healthz latency through `manage.py serve`, alone and while
    SLOW_CLIENTS clients trickle their headers (for less than the server's
    10 s allowance, so that it waits for them throughout)."""
    services = Services(workdir, env, "slow-clients")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    trickling = []
    try:
        services.start_server(port)
        for _ in range(HEALTH_CHECKS):
            healthz_ms(base)  # every worker and thread warm
        alone = [healthz_ms(base) for _ in range(HEALTH_CHECKS)]
        trickling = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(SLOW_CLIENTS)]
        for client in trickling:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        beside = []
        for _ in range(HEALTH_CHECKS):
            for client in trickling:
                client.sendall(b"a")
            beside.append(healthz_ms(base))
            time.sleep(0.1)
    finally:
        for client in trickling:
            client.close()
        services.stop()
    return {"alone_ms": alone, "trickling_ms": beside}


def report_slow_clients(result):
    alone, beside = result["alone_ms"], result["trickling_ms"]
    print(f"\n== /healthz through manage.py serve, {HEALTH_CHECKS} requests one after the other")
    print(f"alone: median {statistics.median(alone):.1f} ms, p90 {p90(alone):.1f} ms, slowest {max(alone):.1f} ms")
    print(
        f"while {SLOW_CLIENTS} clients trickle their headers: median {statistics.median(beside):.1f} ms, "
        f"p90 {p90(beside):.1f} ms, slowest {max(beside):.1f} ms; goal p90 < 100 ms: {verdict(p90(beside) < 100)}"
    )


def p90(samples):
    return statistics.quantiles(samples, n=10)[-1]


def main():
    for program in (WRK, REDIS_SERVER, NGINX, OPENSSL):
        if not os.access(program, os.X_OK):
            sys.exit(f"{program} is needed: apt-get install wrk redis-server nginx openssl")
    workdir = Path(tempfile.mkdtemp(prefix="ta1-bench."))
    env = {
        **os.environ,
        # Production, with what a load test must change (bench/settings.py).
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "OUTBOX_SENDER": "0",
    }
    for name in ("REDIS_URL", "WEB_CONCURRENCY", "WEB_THREADS"):
        env.pop(name, None)  # as `make run` starts it
    try:
        print(f"Preparing a site in {workdir} ...", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "load_article")
        django(env, ADD_COMMENTS)
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        # The ceiling: the page's own bytes as a static file, with the
        # compressed copies whitenoise serves by Accept-Encoding, in place
        # before the servers start (whitenoise indexes its files at start).
        page = django(env, WARM_REQUEST_WORK.replace("ARTICLE", repr(ARTICLE)), capture_output=True).stdout
        copy = workdir / "static" / STATIC_COPY
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(page)
        gzipped, brotlied = gzip.compress(page, 9, mtime=0), brotli.compress(page, mode=brotli.MODE_TEXT)
        copy.with_name(copy.name + ".gz").write_bytes(gzipped)
        copy.with_name(copy.name + ".br").write_bytes(brotlied)
        # Before the servers add their comment POSTs to the database.
        growth_result = growth(workdir, env)
        results = {name: measure(workdir, env, name) for name in SETUPS}
        nginx_result = behind_nginx(workdir, env)
        slow_result = slow_clients(workdir, env)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    for name, result in results.items():
        report(name, result)
    report_behind_nginx(nginx_result)
    report_growth(growth_result)
    report_slow_clients(slow_result)
    size_ok = len(page) < 50 * 1024 and len(gzipped) < 12 * 1024
    print(
        f"\narticle HTML: {len(page) / 1024:.1f} KB, {len(gzipped) / 1024:.1f} KB gzipped, "
        f"{len(brotlied) / 1024:.1f} KB Brotli; goal < 50 KB and < 12 KB compressed: {verdict(size_ok)}"
    )
    print(
        json.dumps(
            {
                **results,
                "behind nginx": nginx_result,
                "growth": growth_result,
                "slow clients": slow_result,
                "html_bytes": len(page),
                "gzip_bytes": len(gzipped),
                "br_bytes": len(brotlied),
            }
        )
    )


if __name__ == "__main__":
    main()
