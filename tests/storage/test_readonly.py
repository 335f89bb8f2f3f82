"""A store opened read only (``careerbot kb stats``): reads work, nothing is written,
nothing is migrated, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import StorageError, is_postgres_url, open_readonly
from storage.postgres import open_postgres
from storage.sqlite import open_sqlite

T0 = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
OLD = 5  # a schema from before this careerbot's newest migrations


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_reads_without_migrating_or_writing(
    backend: str, db_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        db_location = str(db_path)
    else:  # an empty database, so that it stays at the old version
        db_location = request.getfixturevalue("pg_server").fresh(migrated=False)
    opener = open_postgres if is_postgres_url(db_location) else open_sqlite
    old = await opener(db_location, up_to=OLD)  # type: ignore[operator]
    await old.log_question(1, "q", visibility="public", guild_id=7, matched_id="phd", at=T0)
    await old.close()
    before = Path(db_location).read_bytes() if not is_postgres_url(db_location) else b""

    store = await open_readonly(db_location)
    try:
        assert await store.schema_version() == OLD
        stats = await store.question_stats(T0, T0 + timedelta(days=1))
        assert (stats.asked, stats.answered) == (1, 1)
        assert [e.entry_id for e in await store.entry_stats(T0, T0 + timedelta(days=1))] == ["phd"]
        with pytest.raises(StorageError):
            await store.touch_member(2, at=T0)
        with pytest.raises(StorageError):
            await store.log_question(2, "q", visibility="public", guild_id=7, matched_id=None)
        assert await store.schema_version() == OLD
    finally:
        await store.close()
    if not is_postgres_url(db_location):
        assert Path(db_location).read_bytes() == before


async def test_refuses_what_is_not_a_careerbot_database(tmp_path: Path, pg_server: object) -> None:
    with pytest.raises(StorageError, match="no such database file"):
        await open_readonly(tmp_path / "missing.sqlite3")
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    with pytest.raises(StorageError, match="not a careerbot database"):
        await open_readonly(empty)
    with pytest.raises(StorageError, match="not a careerbot database"):
        await open_readonly(pg_server.fresh(migrated=False))  # type: ignore[attr-defined]
