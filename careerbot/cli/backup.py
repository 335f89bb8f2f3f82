"""``careerbot backup``: a consistent copy of the database while the bot runs.

Copying ``careerbot.sqlite3`` with ``cp`` while the bot writes can catch a half-written
page, and misses whatever still sits in the write-ahead log (``-wal``). SQLite's online
backup API copies a consistent snapshot page by page instead, letting the bot keep
writing between steps. The source is opened read-only, so a backup never migrates or
changes the live file; the copy is checked (``PRAGMA integrity_check``) before it is
called done.

Restore (:data:`RESTORE_STEPS`) is a file copy with the bot stopped.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

#: Pages copied per step: small steps let the bot's writes in between.
PAGES_PER_STEP = 256

RESTORE_STEPS = """\
To restore this backup:
  1. stop the bot (Ctrl+C, or docker compose stop careerbot);
  2. move the current database aside, with its -wal and -shm files if any:
       mv {database} {database}.broken
  3. copy the backup in its place:
       cp {backup} {database}
  4. start the bot; it migrates an older backup to the current schema by itself."""


class BackupError(Exception):
    """The backup could not be made; the message says why, and the live file is untouched."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    schema_version: int


def default_destination(database: Path, now: datetime | None = None) -> Path:
    """``careerbot.sqlite3`` -> ``careerbot.backup-20260131-090000.sqlite3`` beside it."""
    moment = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return database.with_name(f"{database.stem}.backup-{moment}{database.suffix or '.sqlite3'}")


def backup(database: Path, destination: Path) -> Backup:
    """Copy ``database`` to ``destination`` (which must not exist) with SQLite's online
    backup; raises :class:`BackupError` with a sentence a person can act on."""
    if not database.is_file():
        raise BackupError(f"no database at {database} (set CAREERBOT_DATABASE_PATH?)")
    if destination.exists():
        raise BackupError(f"{destination} already exists; give another file name")
    if not destination.parent.is_dir():
        raise BackupError(f"the folder {destination.parent} does not exist")
    source_uri = f"{database.resolve().as_uri()}?mode=ro"
    try:
        with (
            closing(sqlite3.connect(source_uri, uri=True)) as source,
            closing(sqlite3.connect(destination)) as target,
        ):
            source.backup(target, pages=PAGES_PER_STEP)
            (verdict,) = target.execute("PRAGMA integrity_check").fetchone()
            (version,) = target.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as error:
        destination.unlink(missing_ok=True)
        raise BackupError(f"could not back up {database}: {error}") from error
    if verdict != "ok":
        destination.unlink(missing_ok=True)
        raise BackupError(f"the copy of {database} failed its integrity check: {verdict}")
    return Backup(destination, destination.stat().st_size, int(version))
