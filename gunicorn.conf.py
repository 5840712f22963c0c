"""gunicorn settings for `make run` and the container; each can be overridden from the environment."""

import os
import signal
import subprocess
import sys
from pathlib import Path

# gunicorn reads this file before it puts the project on the import path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ta1 import env  # noqa: E402

# `make run` passes --bind 127.0.0.1:$PORT; the container sets GUNICORN_BIND=0.0.0.0:8000.
bind = env.string("GUNICORN_BIND", "127.0.0.1:8000")
# Several processes, with or without Redis: nothing a process must share with
# the others lives in its memory (the comment rate limit and duplicate check
# are counted in the database, and each process learns of a new page version
# from the database or Redis). Two workers per core keep a core busy while the
# other waits; the cap keeps memory bounded on a large host.
workers = env.integer("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8), minimum=1, unit="a number of processes")
threads = env.integer("GUNICORN_THREADS", 1, minimum=1, unit="a number of threads")
timeout = env.integer("GUNICORN_TIMEOUT", 30, minimum=1, unit="a number of seconds")
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = 10000
max_requests_jitter = 1000
# gunicorn's control socket (for gunicornc) would be created in ~/.gunicorn/:
# two servers on one account would share it, and the container's user has no
# home to create it in. Nothing here uses it.
control_socket_disable = True
# Load the app once in the master: workers share its memory pages and a
# broken configuration stops the server at start instead of in every worker.
preload_app = True

# The same JSON lines on stdout as the application's own logs.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ta1.logging.JSONFormatter"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"},
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {
            # A proxy in front usually logs every request already.
            "level": "INFO" if env.boolean("GUNICORN_ACCESS_LOG", True) else "WARNING",
            "handlers": ["stdout"],
            "propagate": False,
        },
    },
}


# The outbox's sender runs beside the web workers, started and stopped with
# them, so that `make run` and the container deliver comment emails with
# nothing else to set up. OUTBOX_SENDER=0 leaves it to cron
# (`manage.py send_outbox`) or a process of its own.
OUTBOX_SENDER = env.boolean("OUTBOX_SENDER", True)


def when_ready(server):
    if OUTBOX_SENDER:
        server.outbox_sender = subprocess.Popen(
            [sys.executable, "manage.py", "send_outbox", "--loop"], cwd=Path(__file__).resolve().parent
        )
        server.log.info("Started the outbox sender (pid %s)", server.outbox_sender.pid)
    # `make run` sets ANNOUNCE_URL: tell the person at the terminal where the
    # site is, after gunicorn's own start-up lines.
    if url := env.string("ANNOUNCE_URL"):
        print(
            f"\nta1 is at {url} and its admin at {url}admin/\n"
            "No account yet? Create the first one in another terminal: .venv/bin/python manage.py createsuperuser\n"
            "Stop the server with Ctrl-C.\n",
            flush=True,
        )


def on_exit(server):
    sender = getattr(server, "outbox_sender", None)
    if sender and sender.poll() is None:
        sender.send_signal(signal.SIGTERM)
        try:
            sender.wait(timeout=graceful_timeout)
        except subprocess.TimeoutExpired:
            sender.kill()
