"""Telling a database that cannot take writes (disk full, read-only, down)
from any other error, so the site can answer 503 and ask for a retry."""

import shutil
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction

# Primary result codes (the low byte of an extended code).
SQLITE_CANNOT_WRITE = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
}
# SQLSTATEs: read-only transaction (a standby, or default_transaction_read_only),
# and the classes for a lost connection, insufficient resources (disk full)
# and operator intervention (shutting down).
POSTGRES_CANNOT_WRITE = {"25006"}
POSTGRES_CANNOT_WRITE_CLASSES = {"08", "53", "57"}


def cannot_write(exc):
    """True when `exc` says the database cannot store anything right now, as
    opposed to a fault in what was asked of it."""
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in SQLITE_CANNOT_WRITE
    state = getattr(cause, "sqlstate", None) or ""
    return state in POSTGRES_CANNOT_WRITE or state[:2] in POSTGRES_CANNOT_WRITE_CLASSES


class _Undo(Exception):
    pass


class ReadOnlyDatabase(DatabaseError):
    pass


def check_writable():
    """Start a write and roll it back: nothing is ever committed. On SQLite the
    transaction begins with BEGIN IMMEDIATE (the database's transaction_mode),
    and rewriting the file's own user_version needs no table; a read-only file
    or mount refuses either. PostgreSQL reports a read-only transaction on a
    standby or with default_transaction_read_only."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA user_version")
                (version,) = cursor.fetchone()
                cursor.execute(f"PRAGMA user_version = {int(version)}")
            else:
                cursor.execute("SHOW transaction_read_only")
                if cursor.fetchone()[0] == "on":
                    raise ReadOnlyDatabase("the database is read-only")
            raise _Undo
    except _Undo:
        pass


def database_directory(conn=connection):
    """The directory a SQLite database's writes land in (the file, its WAL
    and journal); None for an in-memory one and for PostgreSQL, whose disk
    is the server's, not ours to inspect."""
    if conn.vendor != "sqlite" or conn.is_in_memory_db():
        return None
    return Path(conn.settings_dict["NAME"]).resolve().parent


def check_free_space(directory):
    """A write that is rolled back never reaches the disk, so check_writable()
    passes on a full one while every real write fails: count what is left."""
    free_mb = shutil.disk_usage(directory).free / 2**20
    if free_mb < settings.HEALTHZ_MIN_FREE_MB:
        raise RuntimeError(
            f"{free_mb:.0f} MB free under {directory}, less than HEALTHZ_MIN_FREE_MB ({settings.HEALTHZ_MIN_FREE_MB})"
        )
