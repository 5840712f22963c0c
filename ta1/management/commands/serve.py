"""`manage.py serve`: the web server and the mail worker, side by side.

granian serves the site: several worker processes run the WSGI application
while its network I/O happens in Rust, so a client that sends or reads slowly
holds no Python thread. Beside it runs the mail worker that sends the
outbox. Both are children of this command: it starts the mail worker again
whenever that exits (granian replaces its own workers), stops both on Ctrl-C
or SIGTERM, and exits with an error if the web server exits by itself, for
whatever runs it (Docker, systemd) to see.
"""

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ta1 import env

logger = logging.getLogger("ta1.serve")

# The mail worker, as arguments to manage.py; nothing else names it.
MAIL_WORKER = ("send_outbox", "--loop")

# One worker process per core keeps every core busy (each has its own
# interpreter; the Rust side needs no process of its own); the cap bounds
# memory and database connections on a large host.
DEFAULT_WORKERS = min(os.cpu_count() or 1, 8)
# Threads per worker running the application: the requests one process works
# on at once, and so its database connections. A few let one request wait for
# the database while another runs; more only queue on the interpreter.
DEFAULT_THREADS = 4
# Connections one worker holds at once, idle and slow ones included (the rest
# wait in the kernel's backlog): far more than its threads, so that clients
# trickling their headers, or a proxy's kept-alive connections, never lock a
# reader out.
BACKPRESSURE = 256
# As nginx in front asks (client_header_timeout), so the app alone holds the
# same line against slow clients.
HEADER_READ_TIMEOUT_MS = 10_000
# A worker whose memory grew past this (a leak) is replaced, gracefully; a
# healthy one is never restarted, so no connection queued at it is dropped.
WORKER_MAX_RSS_MB = 256
# On a stop, requests in flight get this long to finish; `serve` itself waits
# a little longer before killing what is left (compose allows longer still).
WORKERS_KILL_SECONDS = 20
STOP_SECONDS = WORKERS_KILL_SECONDS + 5
# A mail worker that exits sooner than this after starting died at once: the
# wait before the next start doubles each time, up to the maximum, so that one
# that cannot start (a broken setting, the database away) does not spin.
SETTLED_SECONDS = 10
MAX_RESTART_DELAY = 60
POLL_SECONDS = 0.2


def restart_delay(previous, lived):
    """Seconds to wait before starting the mail worker again, after one that
    ran for `lived` seconds and was itself started `previous` seconds late."""
    if lived >= SETTLED_SECONDS:
        return 0
    return min(max(2 * previous, 1), MAX_RESTART_DELAY)


def exit_status(returncode):
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    return f"exit status {returncode}"


def address(bind):
    """(host, port) of WEB_BIND, e.g. 127.0.0.1:8000 or [::]:8000."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise env.SettingError("WEB_BIND", bind, "use host:port, e.g. 127.0.0.1:8000, 0.0.0.0:8000 or [::]:8000")
    return host.removeprefix("[").removesuffix("]"), int(port)


def manage_py(*arguments):
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), *arguments]


def granian_logging():
    """settings.LOGGING's JSON lines on stdout, for granian's own messages.
    Requests are logged by the app, so granian's access log stays off."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": settings.LOGGING.get("filters", {}),
        "formatters": settings.LOGGING["formatters"],
        "handlers": {"stdout": settings.LOGGING["handlers"]["stdout"]},
        "loggers": {"_granian": {"handlers": ["stdout"], "propagate": False}},
    }


def granian(host, port, log_config):
    module, _, name = settings.WSGI_APPLICATION.rpartition(".")
    workers = env.integer("WEB_CONCURRENCY", DEFAULT_WORKERS, minimum=1, unit="a number of processes")
    threads = env.integer("WEB_THREADS", DEFAULT_THREADS, minimum=1, unit="a number of threads")
    return [
        *(sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws", "--host", host, "--port", str(port)),
        *("--workers", str(workers), "--blocking-threads", str(threads), "--backpressure", str(BACKPRESSURE)),
        *("--http1-header-read-timeout", str(HEADER_READ_TIMEOUT_MS)),
        *("--respawn-failed-workers", "--workers-max-rss", str(WORKER_MAX_RSS_MB)),
        *("--workers-kill-timeout", str(WORKERS_KILL_SECONDS)),
        *("--no-access-log", "--log-level", settings.LOG_LEVEL.lower(), "--log-config", str(log_config)),
        f"{module}:{name}",
    ]


def listening(host, port):
    try:
        socket.create_connection((host, port), timeout=POLL_SECONDS).close()
    except OSError:
        return False
    return True


class Command(BaseCommand):
    help = (
        f"Serve the site with granian and run the mail worker (manage.py {' '.join(MAIL_WORKER)}) beside it, "
        "starting the worker again whenever it exits; Ctrl-C stops both. WEB_BIND, WEB_CONCURRENCY and "
        "WEB_THREADS set the server; OUTBOX_SENDER=0 serves without the mail worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dev", action="store_true", help="Django's development server (runserver) instead of granian."
        )

    def handle(self, *args, dev, **options):
        bind = env.string("WEB_BIND", "127.0.0.1:8000")
        host, port = address(bind)
        with_mail_worker = env.boolean("OUTBOX_SENDER", True)
        with tempfile.TemporaryDirectory(prefix="ta1-serve.") as scratch:
            if dev:
                web = manage_py("runserver", bind)
            else:
                log_config = Path(scratch) / "granian-logging.json"
                log_config.write_text(json.dumps(granian_logging()))
                web = granian(host, port, log_config)
            Supervisor(web, manage_py(*MAIL_WORKER) if with_mail_worker else None).run(host, port)


class Supervisor:
    """Runs the web server and the mail worker (if any) as children of this
    process, in its process group: a signal to the group reaches them all."""

    def __init__(self, web, mail_worker):
        self.web_command, self.mail_worker_command = web, mail_worker
        self.stop_signal = None
        self.web = self.mail_worker = None

    def request_stop(self, signum, frame):
        self.stop_signal = signum

    def start(self, command, name):
        process = subprocess.Popen(command, cwd=settings.BASE_DIR)
        logger.info("Started the %s (pid %d)", name, process.pid, extra={"pid": process.pid})
        return process

    def run(self, host, port):
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.request_stop)
        announce = env.string("ANNOUNCE_URL")
        self.web = self.start(self.web_command, "web server")
        delay, next_start, started = 0, time.monotonic(), 0
        while self.stop_signal is None:
            if self.web.poll() is not None:
                logger.error(
                    "The web server (pid %d) stopped by itself (%s); stopping the mail worker",
                    self.web.pid,
                    exit_status(self.web.returncode),
                    extra={"pid": self.web.pid, "exit_status": self.web.returncode},
                )
                self.stop(signal.SIGTERM)
                sys.exit(self.web.returncode or 1)
            if self.mail_worker and self.mail_worker.poll() is not None:
                delay = restart_delay(delay, time.monotonic() - started)
                next_start = time.monotonic() + delay
                logger.warning(
                    "The mail worker (pid %d) stopped (%s); starting it again %s",
                    self.mail_worker.pid,
                    exit_status(self.mail_worker.returncode),
                    f"in {delay} s" if delay else "now",
                    extra={"pid": self.mail_worker.pid, "exit_status": self.mail_worker.returncode},
                )
                self.mail_worker = None
            if self.mail_worker_command and not self.mail_worker and time.monotonic() >= next_start:
                self.mail_worker, started = self.start(self.mail_worker_command, "mail worker"), time.monotonic()
            if announce and listening(host, port):
                self.announce(announce)
                announce = None
            time.sleep(POLL_SECONDS)
        logger.info("Stopping the web server and the mail worker (%s)", signal.Signals(self.stop_signal).name)
        self.stop(self.stop_signal)

    def stop(self, signum):
        """Pass the signal on, wait, then kill what is still running."""
        running = [process for process in (self.web, self.mail_worker) if process and process.poll() is None]
        for process in running:
            process.send_signal(signum)
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                logger.warning("pid %d did not stop within %d s; killing it", process.pid, STOP_SECONDS)
                process.kill()
                process.wait()

    @staticmethod
    def announce(url):
        # `make run` sets ANNOUNCE_URL: tell the person at the terminal where
        # the site is, once it answers, after the servers' start-up lines.
        print(
            f"\nta1 is at {url} and its admin at {url}admin/\n"
            "No account yet? Create the first one in another terminal: .venv/bin/python manage.py createsuperuser\n"
            "Stop the server and the mail worker with Ctrl-C.\n",
            flush=True,
        )
