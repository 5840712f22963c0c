"""Consistent copies of the database while the site serves, and bringing
one back: SQLite through its online backup API, PostgreSQL through pg_dump
and pg_restore (the postgresql-client package's, matching the server)."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from articles import versions


def _sqlite_path():
    return Path(connection.settings_dict["NAME"])


def _postgres_command(program, *args):
    """`program` run against the site's database, the password passed in the environment, never on the command line."""
    config = connection.settings_dict
    env = {**os.environ}
    if config["PASSWORD"]:
        env["PGPASSWORD"] = config["PASSWORD"]
    options = [f"--dbname={config['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if config[key]:
            options.append(f"{flag}={config[key]}")
    return subprocess.run([program, *options, *args], env=env, check=True, capture_output=True, text=True)


def backup(destination):
    """Write a consistent copy of the database to `destination`. Readers and
    writers carry on meanwhile; the copy is of one moment."""
    destination = Path(destination)
    partial = destination.with_name(destination.name + ".partial")
    if connection.vendor == "sqlite":
        # One step (pages=-1) reads the whole database in one read
        # transaction: in WAL mode writers carry on, and the copy is of the
        # moment the step began.
        with sqlite3.connect(_sqlite_path(), timeout=30) as source, sqlite3.connect(partial) as copy:
            source.backup(copy, pages=-1)
        source.close()
        copy.close()
    elif connection.vendor == "postgresql":
        _postgres_command("pg_dump", "--format=custom", "--no-owner", f"--file={partial}")
    else:
        raise NotImplementedError(f"No backup for the {connection.vendor} database.")
    # A crash halfway leaves the .partial file, never a truncated backup under the real name.
    partial.replace(destination)
    return destination


def restore(source):
    """Replace the database's contents with the backup at `source`."""
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(f"There is no backup at {source}.")
    if connection.vendor == "sqlite":
        connection.close()
        with sqlite3.connect(source) as backup_copy, sqlite3.connect(_sqlite_path(), timeout=30) as database:
            backup_copy.backup(database, pages=-1)
        backup_copy.close()
        database.close()
    elif connection.vendor == "postgresql":
        connection.close()
        _postgres_command("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(source))
    else:
        raise NotImplementedError(f"No restore for the {connection.vendor} database.")
    # The restored versions may be older than what processes serving the site
    # have read: have them read again.
    versions.announce()
