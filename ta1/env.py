"""Strict reading of environment variables, for settings.py and gunicorn.conf.py.

A mistyped value stops the process at start with a message naming the
variable and what it accepts, instead of quietly meaning something else
(`DJANGO_ENV=prod` running in local mode, `SECURE_SSL_REDIRECT=ture` meaning
off). An unset or empty variable takes its default.
"""

import ipaddress
import os

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
    value = _raw(name)
    if value is None:
        return default
    if value not in choices:
        raise SettingError(name, value, f"use one of {', '.join(choices)}")
    return value


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
