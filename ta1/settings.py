"""Settings for ta1, read from environment variables with safe local defaults.

Every variable is listed in docs/configuration.md. `DJANGO_ENV=production`
turns on the deployment checks: the site then refuses to start without
SECRET_KEY, ALLOWED_HOSTS and SITE_URL instead of falling back to local values.
"""

import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.module_loading import import_string

from . import env, sentry

BASE_DIR = Path(__file__).resolve().parent.parent


# --- Core, and what production refuses to start without ----------------------

PRODUCTION = env.choice("DJANGO_ENV", ("local", "production"), "local") == "production"


def local_secret_key():
    # A clone must run with no setup, yet never share a key with another
    # clone: generate one on first use and keep it beside the code, git-ignored.
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        # Several processes may start at once: write a private temporary
        # file, then link it into place, which fails if another won the race.
        tmp = path.with_name(f".secret_key.{os.getpid()}")
        tmp.write_text(get_random_secret_key())
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


SECRET_KEY = env.string("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = local_secret_key()
# Keys SECRET_KEY replaced: what they signed still verifies, and the email
# opt-outs they keyed still match (outbox/opt_outs.py).
SECRET_KEY_FALLBACKS = env.items("SECRET_KEY_FALLBACKS")

DEBUG = env.boolean("DEBUG", default=False) and not PRODUCTION

INSTALLED_APPS = [
    # Django's admin on a site with guards against crashing URLs.
    "ta1.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "adminsortable2",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ta1.apps.SiteConfig",
    # Installed though it has no models, so that its code is among the
    # release's (pages/shared.py) like every other part of the project.
    "web",
    "articles",
    "comments",
    "outbox",
    "staff",
    "pages",
]

MIDDLEWARE = [
    # First, so that every response gets its request id and access line.
    "ta1.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ta1.middleware.PermissionsPolicyMiddleware",
    "ta1.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # whitenoise, choosing a file's coding as the article page does (ta1/compression.py).
    "ta1.compression.WhiteNoiseMiddleware",
    # Before anything reads the query or the form, the shared page included.
    "ta1.middleware.UnreadableRequestMiddleware",
    # The shared article page, served before sessions, authentication and CSRF (see pages/).
    "pages.middleware.SharedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ta1.second_factor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ta1.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ta1.urls"
WSGI_APPLICATION = "ta1.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ta1.context_processors.site",
            ],
        },
    },
]

# Forms render through our own templates (templates/ta1/), with our own class names.
CRISPY_ALLOWED_TEMPLATE_PACKS = ("ta1",)
CRISPY_TEMPLATE_PACK = "ta1"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = env.string("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

SITE_NAME = env.string("SITE_NAME", "ta1")
HOME_ARTICLE_SLUG = env.string("HOME_ARTICLE_SLUG", "thymosin-alpha-1")


# --- Hosts, URLs and proxies -------------------------------------------------

ALLOWED_HOSTS = env.items("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS")
# The site's own address: links in emails, and the article page's canonical
# address (never taken from a request, so every reader gets the same page).
SITE_URL = env.url(
    "SITE_URL",
    "" if PRODUCTION else "http://127.0.0.1:8000",
    schemes=("http", "https"),
    example="https://ta1.example.org",
)
if PRODUCTION and not SITE_URL:
    raise ImproperlyConfigured("SITE_URL must be set when DJANGO_ENV=production.")
# Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is
# believed; with none, the client address is always REMOTE_ADDR.
TRUSTED_PROXIES = [str(network) for network in env.networks("TRUSTED_PROXIES")]


# --- Database ----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env.string("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.integer("DB_CONN_MAX_AGE", 60, unit="a number of seconds"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for each other instead of failing with
    # "database is locked": WAL lets readers run beside the writer, writes
    # take the lock when their transaction begins, and the busy timeout
    # queues them. https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-init-command
    # Connections persist (DB_CONN_MAX_AGE) like PostgreSQL's: opening one
    # and running these pragmas costs more than a cached page's one query.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


# --- Cache, Redis and the article page's version -----------------------------

REDIS_URL = env.url("REDIS_URL", schemes=("redis", "rediss", "unix"), example="redis://localhost:6379/0")
# Every Redis client the site makes (this cache, the version check's in
# articles/versions.py) gives up after a quarter of a second, hundreds of
# times what a healthy Redis takes: Redis only spares work, the site carries
# on without it (web/redis_outage.py), and a change must still show within a
# second (articles/versions.py REREAD_SECONDS).
REDIS_CLIENT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ta1",
            "OPTIONS": REDIS_CLIENT_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Cached article pages are keyed by their content's version, so they are
# never stale; this only bounds how long superseded copies take up memory.
PAGE_CACHE_SECONDS = env.integer("PAGE_CACHE_SECONDS", 86400, unit="a number of seconds")
# Names the deployed code in those pages' keys (pages/shared.py), such as
# the commit it was built from. Unset, every file of the project's own apps
# and template folders names it.
RELEASE = env.string("RELEASE")
# How long a shared cache (nginx in front, a CDN) may answer with the shared
# article page without asking the app, and as long again while it fetches the
# next one in the background (pages/shared.py). At least 1: nginx passes a
# reader's revalidation to the app as a plain GET, and only a page it may keep
# can it answer with a 304 itself.
SHARED_CACHE_SECONDS = env.integer("SHARED_CACHE_SECONDS", 1, minimum=1, unit="a number of seconds")
# How a process learns that an article's version moved (articles/versions.py):
# "auto" asks SQLite's data_version on SQLite, else keeps a token in Redis
# when REDIS_URL is set, else (PostgreSQL alone) runs the version query.
ARTICLE_VERSION_CHECK = env.choice("ARTICLE_VERSION_CHECK", ("auto", "redis", "sqlite", "query"), "auto")
if ARTICLE_VERSION_CHECK == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("ARTICLE_VERSION_CHECK=redis needs REDIS_URL.")


# --- Static files ------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env.string("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


# --- Security: HTTPS, headers, sessions, sign-in and the second factor -------

# HTTPS. In production the site runs behind a proxy that terminates TLS and
# sets X-Forwarded-Proto; the proxy must overwrite that header from clients,
# otherwise a client could claim a secure connection it does not have.
# Set TRUSTED_PROXY_SSL_HEADER=0 when the app is exposed without such a proxy.
if env.boolean("TRUSTED_PROXY_SSL_HEADER", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", PRODUCTION)
# A load balancer probes the app over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0, unit="a number of seconds")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.boolean("SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
# Forms carry the token in a hidden field, so no script ever needs the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Readers of a medical article should not announce which page they came
# from to the sites it cites.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere, the admin included: its templates in
# Django 5.2 load every script and style from files and pass data through
# data- attributes, so it needs no exception to this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in protection (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords
# for one account from one client address, that pair is refused for
# LOGIN_LOCKOUT_MINUTES before any password is hashed. The address is the
# one the comment rate limit uses (TRUSTED_PROXIES decides whom to believe).
AUTHENTICATION_BACKENDS = ["ta1.backends.LockoutModelBackend"]
AXES_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5, minimum=1, unit="a number of failed sign-ins")
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("LOGIN_LOCKOUT_MINUTES", 15, minimum=1, unit="a number of minutes"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "web.clients.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
# A second factor for staff (django-otp): required in production, where staff
# see readers' addresses and change a medical text; optional locally.
OTP_REQUIRED = env.boolean("OTP_REQUIRED", PRODUCTION)
# The account name authenticator apps show.
OTP_TOTP_ISSUER = SITE_NAME


# --- Mail, and the outbox that sends it --------------------------------------

SERVER_EMAIL = env.string("SERVER_EMAIL", "root@localhost")
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "webmaster@localhost")
EMAIL_HOST = env.string("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1, unit="a port number")
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS")
EMAIL_USE_SSL = env.boolean("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    # Django would refuse only when the first email is sent.
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: turn one off (TLS for a server that upgrades the "
        "connection, usually port 587; SSL for one that is encrypted from the start, usually port 465)."
    )
# Error mail is sent while the failed request waits; never let a slow mail
# server hold it for long.
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 10, minimum=1, unit="a number of seconds")
# Mail is printed to the console until a mail server is named.
CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = env.string(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if env.string("EMAIL_HOST") else CONSOLE_EMAIL_BACKEND,
)
try:
    import_string(EMAIL_BACKEND)
except ImportError:
    raise env.SettingError(
        "EMAIL_BACKEND", EMAIL_BACKEND, "use the import path of an email backend, e.g. " + CONSOLE_EMAIL_BACKEND
    ) from None
# The outbox's sender (outbox/sender.py, `manage.py send_outbox`). A failed
# send is retried after OUTBOX_RETRY_SECONDS, doubling each time up to an
# hour, until OUTBOX_MAX_ATTEMPTS have failed (about a day with the defaults).
COMMENTS_EMAIL_TIMEOUT = env.integer("COMMENTS_EMAIL_TIMEOUT", 10, minimum=1, unit="a number of seconds")
OUTBOX_RETRY_SECONDS = env.integer("OUTBOX_RETRY_SECONDS", 60, minimum=1, unit="a number of seconds")
OUTBOX_MAX_RETRY_SECONDS = env.integer("OUTBOX_MAX_RETRY_SECONDS", 3600, minimum=1, unit="a number of seconds")
OUTBOX_MAX_ATTEMPTS = env.integer("OUTBOX_MAX_ATTEMPTS", 30, minimum=1, unit="a number of attempts")
OUTBOX_POLL_SECONDS = env.integer("OUTBOX_POLL_SECONDS", 5, minimum=1, unit="a number of seconds")


# --- Comments and spam -------------------------------------------------------

COMMENTS_PER_PAGE = env.integer("COMMENTS_PER_PAGE", 50, minimum=1, unit="a number of comments")
COMMENTS_RATE_LIMIT = env.integer(
    "COMMENTS_RATE_LIMIT", 5, minimum=1, unit="a number of comments per COMMENTS_RATE_WINDOW"
)
COMMENTS_RATE_WINDOW = env.integer("COMMENTS_RATE_WINDOW", 600, minimum=1, unit="a number of seconds")
COMMENTS_LINK_LIMIT = env.integer("COMMENTS_LINK_LIMIT", 2, minimum=1, unit="a number of links")
COMMENTS_BLOCKLIST = env.items("COMMENTS_BLOCKLIST")
COMMENTS_DUPLICATE_WINDOW = env.integer("COMMENTS_DUPLICATE_WINDOW", 300, unit="a number of seconds")
# Comment emails (moderator notices, "published", "someone replied"). On by
# default where mail can leave: locally it is printed, in production it
# needs a mail server, and printing readers' notices to a server's log
# instead of sending them would lose them silently.
COMMENTS_EMAILS = env.boolean("COMMENTS_EMAILS", bool(env.string("EMAIL_HOST")) or not PRODUCTION)
if PRODUCTION and COMMENTS_EMAILS and EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND:
    raise ImproperlyConfigured(
        "Comment emails are on but EMAIL_BACKEND prints mail to the console: set EMAIL_HOST, "
        "or COMMENTS_EMAILS=0 to turn comment emails off."
    )
COMMENTS_NOTIFY_MODERATORS = env.boolean("COMMENTS_NOTIFY_MODERATORS", True)
# Seconds in which a moderator can undo a decision; no email about the
# decision leaves before they have passed.
MODERATION_UNDO_SECONDS = env.integer("MODERATION_UNDO_SECONDS", 10, unit="a number of seconds")
# Retention (manage.py purge_comments): days after which a comment's address
# hash and user agent are forgotten, and rejected or spam comments deleted.
COMMENTS_KEEP_TRACES_DAYS = env.integer("COMMENTS_KEEP_TRACES_DAYS", 90, unit="a number of days")
COMMENTS_KEEP_REFUSED_DAYS = env.integer("COMMENTS_KEEP_REFUSED_DAYS", 30, unit="a number of days")
# Where readers ask for a copy or the erasure of their comments (an email
# address), named on the privacy notice.
PRIVACY_CONTACT = env.string("PRIVACY_CONTACT", DEFAULT_FROM_EMAIL)


# --- Logging, error reports and health checks --------------------------------

LOG_LEVEL = env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), "INFO")
# One line per request (ta1.middleware.RequestLogMiddleware), at INFO.
ACCESS_LOG = env.boolean("ACCESS_LOG", True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ta1.logging.JSONFormatter"}},
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "request_id": {"()": "ta1.logging.RequestIdFilter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Propagate to the root's stdout handler; mail_admins sends nothing
        # while ADMINS is empty.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        "django.server": {"handlers": [], "propagate": True},
    },
}

# Error reports: with ADMINS set ("Name <address>, other@example.org") every
# server error is mailed to them, in addition to the log line.
ADMINS = getaddresses([env.string("ADMINS")])
# And with SENTRY_DSN set, to Sentry (ta1/sentry.py keeps readers' data out).
SENTRY_DSN = env.string("SENTRY_DSN")
if SENTRY_DSN:
    sentry.start(SENTRY_DSN)

# /healthz fails (503) when a SQLite database's disk has less free space
# than this left: writes would soon fail.
HEALTHZ_MIN_FREE_MB = env.integer("HEALTHZ_MIN_FREE_MB", 50, unit="a number of megabytes")
