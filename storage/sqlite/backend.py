"""Opening a SQLite store: connect, refuse newer schemas, switch to WAL, migrate."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path
from typing import Literal

import aiosqlite

from storage import migrate
from storage.errors import InvalidInputError, SchemaTooNewError, StorageError
from storage.models import ReminderLimits
from storage.sqlite.base import connect
from storage.sqlite.community import CommunityMixin
from storage.sqlite.coordination import CoordinationMixin
from storage.sqlite.guilds import GuildsMixin
from storage.sqlite.members import MembersMixin
from storage.sqlite.notices import NoticesMixin
from storage.sqlite.progress import ProgressMixin
from storage.sqlite.question_report import QuestionReportMixin
from storage.sqlite.reminders import RemindersMixin
from storage.sqlite.rights import RightsMixin

Synchronous = Literal["NORMAL", "FULL"]


class SqliteStorage(
    MembersMixin,
    ProgressMixin,
    RemindersMixin,
    NoticesMixin,
    GuildsMixin,
    QuestionReportMixin,
    CoordinationMixin,
    CommunityMixin,
    RightsMixin,
):
    """:class:`storage.Storage` on one SQLite file. Create it with :func:`open_sqlite`."""


async def open_sqlite(
    path: str | Path,
    *,
    limits: ReminderLimits | None = None,
    busy_timeout_ms: int = 5_000,
    synchronous: Synchronous = "NORMAL",
    up_to: int | None = None,
) -> SqliteStorage:
    """Open (creating if needed) and migrate the database file at ``path``.

    ``up_to`` stops migrating at that schema version; it exists for tests that build
    old files and is not for production use.
    """
    location = str(path)
    if location == ":memory:" or location.startswith("file:"):
        raise InvalidInputError("give a file path: the reader and writer must share a file")
    _check_folder(location)
    known = migrate.latest_version()
    found = await asyncio.to_thread(migrate.read_version, location)
    if found is not None and found > known:
        raise SchemaTooNewError(location, found, known)
    writer = await connect(location, busy_timeout_ms)
    try:
        if await migrate.current_version(writer) > known:
            raise SchemaTooNewError(location, await migrate.current_version(writer), known)
        await _switch_to_wal(writer, location, busy_timeout_ms)
        level = "FULL" if synchronous == "FULL" else "NORMAL"
        await writer.execute(f"PRAGMA synchronous = {level}")
        await migrate.apply(writer, location, up_to=up_to)
        reader = await connect(location, busy_timeout_ms)
        await reader.execute("PRAGMA query_only = ON")
    except sqlite3.Error as error:
        await writer.close()
        raise StorageError(f"{location}: cannot open the database ({error})") from error
    except BaseException:
        await writer.close()
        raise
    return SqliteStorage(location, writer, reader, limits or ReminderLimits())


async def _switch_to_wal(writer: aiosqlite.Connection, location: str, busy_timeout_ms: int) -> None:
    """Put the file in WAL mode, waiting out another process doing the same.

    Switching takes an exclusive lock, and SQLite answers "database is locked" at once
    rather than through the busy timeout when two processes open a new file together
    (two bot processes starting side by side); so wait and retry, within the timeout.
    """
    deadline = asyncio.get_running_loop().time() + busy_timeout_ms / 1000
    while True:
        try:
            mode = await writer.execute_fetchall("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as error:
            locked = "locked" in str(error) or "busy" in str(error)
            if not locked or asyncio.get_running_loop().time() >= deadline:
                raise
            await asyncio.sleep(0.02)
    if str(next(iter(mode))[0]).lower() != "wal":
        raise StorageError(f"{location}: could not switch the database to WAL mode")


def _check_folder(location: str) -> None:
    """Refuse, in words, a database whose folder this user cannot write.

    In WAL mode SQLite keeps two files beside the database (``-wal``, ``-shm``) and
    must create them even to read, so a writable file in a read-only folder fails on
    the first statement with "attempt to write a readonly database", which names
    neither the folder nor the fix. (Root passes ``os.access`` whatever the mode,
    and can indeed write.)
    """
    folder = Path(location).absolute().parent
    if not folder.is_dir() or os.access(folder, os.W_OK | os.X_OK):
        return
    name = Path(location).name
    beside = [folder / f"{name}-wal", folder / f"{name}-shm"]
    if not all(os.access(f, os.R_OK | os.W_OK) for f in beside):
        raise StorageError(
            f"{location}: the folder {folder} is not writable by this user, and SQLite "
            f"needs to create {name}-wal and {name}-shm beside the database. Make the "
            "folder writable (e.g. the volume's owner), or keep the database in a "
            "writable folder."
        )
