"""``careerbot db copy``: a filled SQLite file moves to PostgreSQL whole and unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from storage import GuildSettings, Schedule, Storage, StorageError, open_storage
from storage.copy import COPY_ORDER, copy_sqlite_to_postgres
from tests.conftest import PgServer
from tests.storage.test_member_rights import ME, OTHER, fill

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


async def fill_everything(db: Storage) -> None:
    mine = await fill(db, ME)
    theirs = await fill(db, OTHER)
    await db.record_feedback(theirs, ME, helpful=False, at=T0)
    await db.record_feedback(mine, OTHER, helpful=True, at=T0)
    await db.log_question(ME, "with an id", visibility="public", guild_id=5,
                          matched_id="faq/x", confidence=0.75, at=T0,
                          question_id=1_234_567_890_123_456_789)  # fmt: skip
    await db.undo_progress(OTHER, at=T0 + timedelta(days=2))
    claimed = await db.claim_due(T0 + timedelta(days=1), "proc-a", lease_seconds=60)
    assert claimed  # a live claim travels too
    await db.set_guild_settings(
        GuildSettings(guild_id=5, digest_channel_id=50, moderator_role_ids=frozenset({7, 8}),
                      confidence_threshold=0.4), at=T0,
    )  # fmt: skip
    await db.record_activity(OTHER, at=T0 + timedelta(days=3))


async def counts(db_location: str) -> dict[str, int]:
    async with await open_storage(db_location) as db:
        result = {}
        for member in (ME, OTHER):
            exported = await db.export_member(member)
            for table, rows in exported["tables"].items():
                result[table] = result.get(table, 0) + len(rows)
        return result


def comparable(export: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in export.items() if key != "exported_at"}


async def test_copy_round_trips_counts_and_exports(db_path: Path, pg_server: PgServer) -> None:
    async with await open_storage(db_path) as source:
        await fill_everything(source)
        before = {m: comparable(await source.export_member(m)) for m in (ME, OTHER)}
        settings = await source.get_guild_settings(5)
    url = pg_server.fresh(migrated=False)
    copied = await copy_sqlite_to_postgres(db_path, url)
    assert list(copied) == list(COPY_ORDER)
    assert copied["guild_moderator_roles"] == 2 and copied["question_feedback"] == 2
    assert await counts(url) == await counts(str(db_path))
    async with await open_storage(url) as target:
        after = {m: comparable(await target.export_member(m)) for m in (ME, OTHER)}
        assert after == before
        assert await target.get_guild_settings(5) == settings
        # New rows get ids after the copied ones (the identity sequences moved on).
        logged = await target.log_question(OTHER, "new", visibility="dm", guild_id=None,
                                           matched_id=None, at=T0)  # fmt: skip
        copied_ids = [q["id"] for m in after.values() for q in m["tables"]["question_log"]]
        assert logged.id > max(copied_ids)
        reminder = await target.create_reminder(ME, Schedule.once(T0 + timedelta(days=9)),
                                                message="new", at=T0)  # fmt: skip
        assert reminder.id > max(r["id"] for m in after.values()
                                 for r in m["tables"]["reminders"])  # fmt: skip
    with pytest.raises(StorageError, match="already holds members rows"):
        await copy_sqlite_to_postgres(db_path, url)  # never into a store in use


def test_db_copy_command(db_path: Path, pg_server: PgServer) -> None:
    async def make() -> None:
        async with await open_storage(db_path) as db:
            await fill(db, ME)

    import asyncio

    asyncio.run(make())
    url = pg_server.fresh(migrated=False).replace("postgres@", "postgres:hunter2@")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERBOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "careerbot.cli.main", "db", "copy", str(db_path)],
        env=env | {"CAREERBOT_DATABASE_URL": url}, cwd=ROOT,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "every table's count matches" in result.stdout
    assert any(line.split() == ["members", "1"] for line in result.stdout.splitlines())
    again = subprocess.run(
        [sys.executable, "-m", "careerbot.cli.main", "db", "copy", str(db_path), url],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert again.returncode == 1 and "already holds" in again.stderr
    assert "hunter2" not in again.stderr + result.stdout + result.stderr
