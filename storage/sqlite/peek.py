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
from datetime import datetime
from pathlib import Path

from storage.errors import StorageError
from storage.models import GapRow
from storage.sqlite.question_log import GAPS_SQL
from storage.validate import from_db, to_db


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


def read_question_gaps(
    path: str | Path, since: datetime, until: datetime, *, limit: int = 20
) -> list[GapRow]:
    """The most asked questions without a (helpful) answer, in every guild: what
    ``careerbot kb gaps`` lists offline, read as ``/kb gaps`` reads them."""
    target = Path(path)
    if not target.is_file():
        raise StorageError(f"{path}: no such database file")
    uri = f"{target.resolve().as_uri()}?mode=ro"
    params = (to_db(since, "since"), to_db(until, "until"), limit)
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            found = conn.execute(GAPS_SQL, params).fetchall()
    except sqlite3.Error as error:
        raise StorageError(f"{path}: cannot read the question log from it ({error})") from error
    return [
        GapRow(
            key=row["key"],
            example=row["example"],
            asked=row["asked"],
            unanswered=row["unanswered"],
            not_helpful=row["not_helpful"],
            last_asked_at=from_db(row["last_asked_at"]),
        )
        for row in found
    ]
