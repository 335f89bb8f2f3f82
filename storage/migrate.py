"""Schema migrations for the SQLite backend: numbered SQL files, applied in order.

``storage/migrations/NNNN_name.sql`` holds migration ``NNNN`` (numbers start at 1 and
have no gaps). Each one runs inside its own ``BEGIN IMMEDIATE`` transaction together
with ``PRAGMA user_version = NNNN``, so a migration either applies completely and
records its number, or (on any error, crash or kill) leaves the file exactly at the
previous version. Two processes opening an old file at once cannot both apply a step:
the version is re-read after the write lock is taken.

A file whose ``user_version`` is above the newest migration this code knows was
written by a newer careerbot. It is refused with :class:`SchemaTooNewError` before
anything is written (checked on a read-only connection), so a downgrade can never
damage it.

Migration files must not contain their own BEGIN/COMMIT or set ``user_version``; the
runner does both.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.errors import MigrationError, SchemaTooNewError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_FORBIDDEN = re.compile(r"^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b", re.I)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(sql: str) -> list[str]:
    """Split a script into statements, respecting quotes and comments.

    ``sqlite3.complete_statement`` does the lexing, so a ``;`` inside a string literal
    or a comment never splits a statement.
    """
    statements: list[str] = []
    buffer = ""
    *pieces, tail = sql.split(";")
    for piece in pieces:
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    rest = _strip_comments(buffer + tail)
    if rest.strip():
        raise MigrationError(f"unterminated statement at the end of a migration: {rest[:60]!r}")
    return [s for s in statements if _strip_comments(s).strip(" \n\t;")]


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def parse(files: dict[str, str]) -> tuple[Migration, ...]:
    """Turn ``{file name: SQL}`` into validated migrations, ordered by number."""
    migrations: list[Migration] = []
    for filename, sql in files.items():
        match = _NAME.match(filename)
        if match is None:
            raise MigrationError(f"migration file {filename!r} is not named NNNN_name.sql")
        statements = split_statements(sql)
        for statement in statements:
            if _FORBIDDEN.match(_strip_comments(statement)):
                raise MigrationError(
                    f"{filename}: transactions and PRAGMAs are managed by the runner; "
                    f"remove {statement.split()[0]!r}"
                )
        migrations.append(Migration(int(match.group(1)), match.group(2), tuple(statements)))
    migrations.sort(key=lambda m: m.version)
    expected = list(range(1, len(migrations) + 1))
    if [m.version for m in migrations] != expected:
        raise MigrationError(
            f"migrations must be numbered 1..N without gaps, found "
            f"{[m.version for m in migrations]}"
        )
    return tuple(migrations)


@cache
def bundled() -> tuple[Migration, ...]:
    """The migrations shipped in ``storage/migrations`` (read once)."""
    folder = resources.files("storage") / "migrations"
    files = {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    }
    return parse(files)


def latest_version() -> int:
    return len(bundled())


def read_version(path: str | Path) -> int | None:
    """``PRAGMA user_version`` of an existing file, read without writing anything.

    Returns ``None`` when the file does not exist yet. The version lives in the 100-byte
    file header (offset 60), which is authoritative unless a write-ahead log holds newer
    pages; only then is a read-only connection used (it may create the ``-shm`` file but
    never changes the database). Blocking: call it in a thread.
    """
    target = Path(path)
    if not target.exists():
        return None
    with target.open("rb") as handle:
        header = handle.read(100)
    if not header:
        return 0
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise MigrationError(f"{path}: not a SQLite database")
    wal = target.with_name(target.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return int.from_bytes(header[60:64], "big")
    uri = f"{target.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise MigrationError(f"{path}: not a readable SQLite database ({error})") from error
    return int(version)


async def current_version(conn: aiosqlite.Connection) -> int:
    rows = await conn.execute_fetchall("PRAGMA user_version")
    return int(next(iter(rows))[0])


async def apply(
    conn: aiosqlite.Connection,
    path: str,
    *,
    migrations: tuple[Migration, ...] | None = None,
    up_to: int | None = None,
) -> tuple[int, int]:
    """Bring the database on ``conn`` (in autocommit mode) up to ``up_to`` or the latest.

    Returns ``(version before, version after)``.
    """
    steps = bundled() if migrations is None else migrations
    known = len(steps)
    target = known if up_to is None else up_to
    if not 0 <= target <= known:
        raise MigrationError(f"cannot migrate to version {target}: known versions are 0..{known}")
    before = await current_version(conn)
    if before > known:
        raise SchemaTooNewError(path, before, known)
    for step in steps[before:target]:
        await conn.execute("BEGIN IMMEDIATE")
        try:
            found = await current_version(conn)
            if found > known:
                raise SchemaTooNewError(path, found, known)
            if found >= step.version:
                await conn.execute("ROLLBACK")
                continue
            for statement in step.statements:
                await conn.execute(statement)
            # An int from our own file name, not input: PRAGMA cannot take parameters.
            await conn.execute(f"PRAGMA user_version = {int(step.version)}")
            await conn.execute("COMMIT")
        except BaseException as error:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise MigrationError(
                    f"{path}: migration {step.version:04d}_{step.name} failed ({error}); "
                    f"the database was left at version {step.version - 1}"
                ) from error
            raise
    return before, await current_version(conn)
