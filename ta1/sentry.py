"""Error reports to Sentry (SENTRY_DSN), without readers' addresses or what
they wrote: their comments are about their health."""

import re

from .env import SettingError

FILTERED = "[Filtered]"
# Wherever an address appears: an exception's message, a log line, a URL.
EMAIL = re.compile(r"[^\s@<>()\[\]\"',;:]+@[\w-]+(?:\.[\w-]+)+")
# Log extras and breadcrumb data that hold a reader's address, name or
# comment, however deeply nested.
PRIVATE_KEY = re.compile(r"(?:^|_)(?:body|email|name)$", re.IGNORECASE)


def start(dsn):
    # Imported only by a site that reports errors: the SDK is slow to
    # import, which every process start would pay.
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.utils import BadDsn

    try:
        sentry_sdk.init(
            dsn=dsn,
            integrations=[DjangoIntegration()],
            send_default_pii=False,
            # A posted form is a reader's comment.
            max_request_body_size="never",
            # A comment passes through variables of every name (text, value,
            # data...), and the repr of a form's data shows it whole.
            include_local_variables=False,
            before_send=before_send,
        )
    except BadDsn as error:
        raise SettingError("SENTRY_DSN", dsn, f"use the DSN of a Sentry project ({error})") from None


def before_send(event, hint):
    request = event.get("request", {})
    request.pop("data", None)
    request.pop("cookies", None)
    headers = request.get("headers", {})
    for header in [header for header in headers if header.lower() == "cookie"]:
        del headers[header]
    if "extra" in event:
        event["extra"] = scrubbed(event["extra"], keys=True)
    for breadcrumb in event.get("breadcrumbs", {}).get("values", []):
        if "data" in breadcrumb:
            breadcrumb["data"] = scrubbed(breadcrumb["data"], keys=True)
    return scrubbed(event)


def scrubbed(value, *, keys=False):
    """`value` with every address replaced and, with `keys`, every private key's value."""
    if isinstance(value, dict):
        return {
            key: FILTERED if keys and isinstance(key, str) and PRIVATE_KEY.search(key) else scrubbed(item, keys=keys)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrubbed(item, keys=keys) for item in value]
    if isinstance(value, str):
        return EMAIL.sub(FILTERED, value)
    return value
