"""Consistent copies of the database while the site serves, and bringing
one back: SQLite through its online backup API, PostgreSQL through pg_dump
and pg_restore (the postgresql-client package's, matching the server).

A backup holds every reader's email address: its directory is made for its
owner only and the file readable by its owner only, from the moment it exists."""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.db import connection

from articles import versions

# In each backup directory, the names of the backups written there, oldest
# first: the only files `keep` may delete.
RECORD = ".made-by-backup"


class BackupError(Exception):
    """A backup or restore that could not be done, in one line; the database is as it was."""


def _postgres_command(program, *args, stdout=subprocess.PIPE):
    """`program` run against the site's database, the password passed in the environment, never on the command line."""
    config = connection.settings_dict
    env = {**os.environ}
    if config["PASSWORD"]:
        env["PGPASSWORD"] = config["PASSWORD"]
    options = [f"--dbname={config['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if config[key]:
            options.append(f"{flag}={config[key]}")
    try:
        return subprocess.run(
            [program, *options, *args], env=env, check=True, stdout=stdout, stderr=subprocess.PIPE, text=True
        )
    except subprocess.CalledProcessError as error:
        lines = error.stderr.strip().splitlines() or [f"exit status {error.returncode}"]
        # Its first error, not the lines of context around it.
        reason = next((line for line in lines if "error: " in line), lines[-1])
        raise BackupError(f"{program} failed: {reason.split('error: ', 1)[-1]}") from None


def _private_file(path):
    """`path` created empty, readable and writable by its owner only."""
    path.unlink(missing_ok=True)
    return open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def backup(destination, *, keep=None):
    """Write a consistent copy of the database to `destination`, creating its
    directory if need be. Readers and writers carry on meanwhile; the copy is
    of one moment. With `keep`, only the newest `keep` backups written to that
    directory are left."""
    destination = Path(destination)
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    try:
        if connection.vendor == "sqlite":
            # SQLite writes into the empty file, and gives its journal the
            # file's mode. One step (pages=-1) reads the whole database in one
            # read transaction: in WAL mode writers carry on, and the copy is
            # of the moment the step began.
            _private_file(partial).close()
            connection.ensure_connection()
            with closing(sqlite3.connect(partial)) as copy:
                connection.connection.backup(copy, pages=-1)
        elif connection.vendor == "postgresql":
            with _private_file(partial) as file:
                _postgres_command("pg_dump", "--format=custom", "--no-owner", stdout=file)
        else:
            raise NotImplementedError(f"No backup for the {connection.vendor} database.")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    # A crash halfway leaves at most the .partial file, never a truncated backup under the real name.
    partial.replace(destination)
    _record(destination, keep=keep)
    return destination


def _record(destination, *, keep):
    directory = destination.parent
    record = directory / RECORD
    names = record.read_text().splitlines() if record.exists() else []
    # A name with a directory in it was not written here by backup(); one
    # since deleted by hand no longer counts.
    names = [name for name in names if name != destination.name and "/" not in name and (directory / name).is_file()]
    names.append(destination.name)
    if keep is not None:
        for name in names[:-keep]:
            (directory / name).unlink()
        names = names[-keep:]
    with _private_file(record.with_name(RECORD + ".partial")) as file:
        file.write("".join(f"{name}\n" for name in names).encode())
    record.with_name(RECORD + ".partial").replace(record)


def _open_backup(source):
    # Read-only and immutable: reading a backup never writes beside it (no
    # -wal or -shm file), nor changes it.
    return sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def _check_sqlite_backup(source):
    """Raise BackupError unless `source` is a whole SQLite database of this site."""
    try:
        with closing(_open_backup(source)) as copy:
            problems = [row[0] for row in copy.execute("PRAGMA quick_check")]
            ours = copy.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a SQLite backup ({error}).") from None
    if problems != ["ok"]:
        raise BackupError(f"{source} is damaged, perhaps cut short ({problems[0]}).")
    if not ours:
        raise BackupError(f"{source} is a SQLite database, but not one of this site's.")


def restore(source):
    """Replace the database's contents with the backup at `source`. A file
    that is not a whole backup is refused (BackupError) with the database as
    it was."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    if connection.vendor == "sqlite":
        _check_sqlite_backup(source)
        connection.ensure_connection()
        with closing(_open_backup(source)) as backup_copy:
            backup_copy.backup(connection.connection, pages=-1)
    elif connection.vendor == "postgresql":
        # Reads the archive's table of contents: anything else is refused
        # before a table is dropped.
        try:
            _postgres_command("pg_restore", "--list", str(source))
        except BackupError as error:
            raise BackupError(f"{source} is not a PostgreSQL backup ({error}).") from None
        connection.close()
        # One transaction: a backup cut short fails partway and leaves the database as it was.
        _postgres_command("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(source))
    else:
        raise NotImplementedError(f"No restore for the {connection.vendor} database.")
    # The restored versions may be older than what processes serving the site
    # have read: have them read again.
    versions.announce()
