"""The site as `make bench` measures it: production settings, read from the
environment as bench/run.py sets it, with what a load test must change."""

from ta1.settings import *  # noqa: F403

# Plain HTTP on the loopback interface, where production would redirect to
# HTTPS and send cookies over TLS only.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Every comment POST is a new comment from the same address: let them all in.
COMMENTS_RATE_LIMIT = 1_000_000_000
COMMENTS_NOTIFY_MODERATORS = False
# One JSON line per request would measure the log's disk.
ACCESS_LOG = False
