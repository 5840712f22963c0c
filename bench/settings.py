"""The site's own settings plus one page for measuring the stack's ceiling.

Only `make bench` selects this module (DJANGO_SETTINGS_MODULE=bench.settings);
the site never serves the ceiling page."""

from ta1.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
