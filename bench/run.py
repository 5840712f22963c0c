"""`make bench`: the production server under load, measured in one run.

Builds a throwaway site (SQLite database, the article, 500 approved comments,
collected static files), starts gunicorn with the repository's configuration
on 127.0.0.1 with DEBUG off, drives it with wrk, and prints:

- the article page's requests/s and p50/p99 latency;
- the same for a view returning the page's bytes through the same server and
  middleware (the ceiling of this stack), and the ratio of the two;
- comment POSTs/s, each a new comment, with the spam thresholds lifted, and
  the number of failures;
- the peak resident memory of each gunicorn worker;
- the size of the article page's HTML.

Everything it starts, it stops. Settings: BENCH_SECONDS (10 per measurement),
BENCH_CONNECTIONS (32), BENCH_THREADS (wrk threads, 2), WEB_CONCURRENCY
(gunicorn workers, as in production).
"""

import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "/articles/thymosin-alpha-1/"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WRK_THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WRK = shutil.which("wrk") or "/usr/bin/wrk"

ADD_COMMENTS = """
import random
from articles.models import Article
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
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_until_healthy(base, process, log):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not become healthy")


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


def peak_rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def count_comments(env, status):
    code = (
        "import django; django.setup(); from comments.models import Comment; "
        f"print(Comment.objects.filter(status={status!r}).count())"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return int(result.stdout)


def main():
    if not os.access(WRK, os.X_OK):
        sys.exit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="ta1-bench."))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Production otherwise, but plain HTTP on the loopback interface.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "BENCH_PAGE_FILE": str(workdir / "article.html"),
        "COMMENTS_RATE_LIMIT": "1000000000",
        "COMMENTS_NOTIFY_MODERATORS": "0",
        # Worker processes as deployed with Redis; the thresholds are lifted,
        # so per-process rate-limit counts make no difference here.
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", str(min(2 * (os.cpu_count() or 1) + 1, 8))),
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "1"),
    }
    env.pop("REDIS_URL", None)
    server = None
    try:
        print(f"Preparing a site in {workdir} ...", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "load_article")
        subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + ADD_COMMENTS], cwd=ROOT, env=env, check=True)
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")

        log = workdir / "gunicorn.log"
        with open(log, "wb") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "ta1.wsgi", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_healthy(base, server, log)

        with urllib.request.urlopen(base + ARTICLE, timeout=10) as response:
            page = response.read()
        Path(env["BENCH_PAGE_FILE"]).write_bytes(page)
        with urllib.request.urlopen(base + "/bench/ceiling/", timeout=10) as response:
            assert len(response.read()) == len(page)

        results = {}
        for name, path, headers in (
            ("article", ARTICLE, ()),
            ("ceiling", "/bench/ceiling/", ()),
        ):
            wrk(base + path, seconds=2, headers=headers)  # every worker's cache warm
            results[name] = summary(wrk(base + path, headers=headers))

        pending_before = count_comments(env, "pending")
        output = wrk(base + ARTICLE, str(ROOT / "bench" / "post.lua"), ARTICLE + "comments/")
        posts = summary(output)
        # post.lua counts every answer but the redirect (which wrk's own
        # "Non-2xx" count repeats for 4xx and 5xx); add only what never got an answer.
        posts["failures"] = int(re.search(r"failures (\d+)", output).group(1)) + posts["unanswered"]
        posts["stored"] = count_comments(env, "pending") - pending_before

        workers = workers_of(server.pid)
        rss = [peak_rss_mb(pid) for pid in workers]
    finally:
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    ceiling = results["ceiling"]
    print()
    print(f"gunicorn: {len(workers)} workers; wrk: {WRK_THREADS} threads, {CONNECTIONS} connections, {SECONDS} s per run")
    print(f"{'':28}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    rows = (
        ("article page", results["article"]),
        ("ceiling (same bytes)", ceiling),
        ("comment POSTs", posts),
    )
    for name, row in rows:
        print(f"{name:28}{row['rps']:>12.0f}{row['p50']:>10.2f}{row['p99']:>10.2f}{row['errors']:>8}")
    print(f"article / ceiling: {results['article']['rps'] / ceiling['rps']:.0%}")
    print(f"comment POSTs: {posts['requests']} answered, {posts['failures']} failures, {posts['stored']} stored as pending")
    print("peak RSS per worker: " + ", ".join(f"{mb:.1f} MB" for mb in rss))
    print(f"article HTML: {len(page) / 1024:.1f} KB uncompressed, {len(gzip.compress(page)) / 1024:.1f} KB gzipped")
    print(json.dumps({**results, "posts": posts, "rss_mb": rss, "html_bytes": len(page)}))


if __name__ == "__main__":
    main()
