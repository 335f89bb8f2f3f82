"""Reading a database without opening it as a store: for tools such as ``kb check``.

Opening a store migrates the file, and a moderator checking a corpus against the
live database of a running (maybe older) bot must not change its schema under it:
a newer schema would make that bot refuse the file at its next start. So this reads
through a read-only connection and writes nothing. Blocking: call it in a thread
from async code.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from storage.errors import StorageError


def read_progress_item_counts(path: str | Path) -> dict[str, int]:
    """How many members have progress on each stored checklist item id."""
    target = Path(path)
    if not target.is_file():
        raise StorageError(f"{path}: no such database file")
    uri = f"{target.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            found = conn.execute(
                "SELECT item_id, COUNT(*) FROM progress GROUP BY item_id"
            ).fetchall()
    except sqlite3.Error as error:
        raise StorageError(f"{path}: cannot read progress from it ({error})") from error
    return {str(item_id): int(members) for item_id, members in found}
