"""Strict reading of environment variables, for settings.py and `manage.py serve`.

A mistyped value stops the process at start with a message naming the
variable and what it accepts, instead of quietly meaning something else
(`DJANGO_ENV=prod` running in local mode, `SECURE_SSL_REDIRECT=ture` meaning
off). An unset or empty variable takes its default.
"""

import ipaddress
import os
import re
import sys
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class SettingError(ImproperlyConfigured):
    def __init__(self, name, value, accepted):
        super().__init__(f"{name}={value!r} is not accepted: {accepted}.")


def _raw(name):
    value = os.environ.get(name, "").strip()
    return value or None


def string(name, default=""):
    value = _raw(name)
    return default if value is None else value


def choice(name, choices, default):
    """One of `choices`, written in any case."""
    value = _raw(name)
    if value is None:
        return default
    spellings = {option.lower(): option for option in choices}
    if value.lower() not in spellings:
        raise SettingError(name, value, f"use one of {', '.join(choices)}")
    return spellings[value.lower()]


def boolean(name, default=False):
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise SettingError(name, value, f"use {', '.join(TRUE)} to turn it on, or {', '.join(FALSE)} to turn it off")


def integer(name, default, *, minimum=0, unit="a whole number"):
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise SettingError(name, value, f"use {unit} of at least {minimum}, written in digits only, e.g. {default}")
    return number


def url(name, default="", *, schemes, example):
    """An address with one of `schemes` that names a host (a unix:// address
    names a socket's path instead)."""
    value = string(name, default)
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in schemes or not (parts.path if parts.scheme == "unix" else parts.hostname):
        # The message is printed and logged: never with a password in it.
        shown = re.sub(r":[^:/@]*@", ":***@", value)
        starts = " or ".join(f"{scheme}://" for scheme in schemes)
        raise SettingError(name, shown, f"use an address starting with {starts}, e.g. {example}")
    return value


def items(name, default=""):
    """A comma-separated list."""
    return [item.strip() for item in string(name, default).split(",") if item.strip()]


def networks(name, default=""):
    """A comma-separated list of addresses or CIDR ranges."""
    result = []
    for item in items(name, default):
        try:
            result.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingError(
                name, item, "use IP addresses or CIDR ranges such as 10.0.0.0/8, separated by commas"
            ) from None
    return result


@contextmanager
def one_line_refusals():
    """Around a process's start (manage.py, ta1/wsgi.py, a server's own
    configuration): a value the settings refuse ends the process with that
    one line on stderr, instead of at the bottom of a traceback through
    Django's start-up that buries it."""
    try:
        yield
    except ImproperlyConfigured as refusal:
        sys.exit(f"ta1 cannot start: {refusal}")
