"""The queries the bot runs on a schedule use indexes, not table scans or sorts."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage import Storage
from storage.sqlite.notices import HAS_NOTICES_SQL
from storage.sqlite.progress import SUMMARY_SQL
from storage.sqlite.question_log import GAPS_GUILD_SQL, GAPS_SQL
from storage.sqlite.reminders import CLAIM_SQL, DUE_SQL, NEXT_DUE_SQL


def plan(db_path: Path, sql: str, params: tuple[object, ...], analyze: bool) -> str:
    with closing(sqlite3.connect(db_path)) as conn:
        if analyze:  # with planner statistics, as after PRAGMA optimize
            conn.execute("ANALYZE")
        rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return "\n".join(row[-1] for row in rows)


@pytest.mark.parametrize("analyze", [False, True])
@pytest.mark.parametrize(
    ("sql", "params", "index"),
    [
        (DUE_SQL, (0, 10), "reminders_due"),
        (NEXT_DUE_SQL, (), "reminders_due"),
        (CLAIM_SQL, ("w", 0, 0, 0, 10), "reminders_due"),
        (SUMMARY_SQL, (1,), "sqlite_autoindex_progress_1"),
        (HAS_NOTICES_SQL, (1,), "member_notices_member"),
        (GAPS_SQL, (0, 1, 10), "question_log_asked"),
        (GAPS_GUILD_SQL, (5, 5, 0, 1, 10), "question_log_guild_asked"),
    ],
)
async def test_scheduled_queries_are_indexed(
    db: Storage,
    db_path: Path,
    sql: str,
    params: tuple[object, ...],
    index: str,
    analyze: bool,
) -> None:
    text = plan(db_path, sql, params, analyze)
    assert index in text, text
    assert "SCAN reminders\n" not in text + "\n" and "SCAN progress\n" not in text + "\n"
    assert "SCAN q\n" not in text + "\n"
    if sql in (DUE_SQL, CLAIM_SQL):
        assert "TEMP B-TREE" not in text, text  # ordered by the index, no sort
