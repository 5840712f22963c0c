"""One JSON object per line on stdout, which log collectors parse without
configuration (`docker logs`, journald, Loki, CloudWatch...)."""

import json
import logging
import socket
from contextvars import ContextVar
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed in `extra`.
RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


# The id of the request being served (ta1.middleware.RequestLogMiddleware).
request_id = ContextVar("request_id", default=None)


def forget_request_id(**kwargs):
    request_id.set(None)


class RequestIdFilter(logging.Filter):
    """Every line logged while a request is served names it, so that an
    error can be traced back to its request's access line."""

    def filter(self, record):
        if (value := request_id.get()) is not None:
            record.request_id = value
        return True


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in RESERVED and key not in entry and not isinstance(value, socket.socket):
                entry[key] = self.plain(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

    @staticmethod
    def plain(value):
        # Django passes the whole request object in `extra` (the development
        # server passes its socket, skipped above); a log line only needs
        # what identifies the request.
        if hasattr(value, "method") and hasattr(value, "get_full_path"):
            return f"{value.method} {value.get_full_path()}"
        return value
