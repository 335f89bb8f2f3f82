"""Questions handed to the community: one row per thread opened in a help channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage import validate as check
from storage.models import CommunityThread
from storage.sqlite.base import SqliteBase

_COLUMNS = "thread_id, guild_id, question_id, message_id, asked_at, answered_at"


def _thread(row: Any) -> CommunityThread:
    return CommunityThread(
        thread_id=int(row["thread_id"]),
        guild_id=int(row["guild_id"]),
        question_id=None if row["question_id"] is None else int(row["question_id"]),
        message_id=None if row["message_id"] is None else int(row["message_id"]),
        asked_at=check.from_db(int(row["asked_at"])),
        answered_at=check.optional_from_db(row["answered_at"]),
    )


class CommunityMixin(SqliteBase):
    """Record a thread, find it again, mark it answered, count them."""

    async def record_community_thread(
        self,
        guild_id: int,
        thread_id: int,
        question_id: int | None,
        *,
        message_id: int | None = None,
        at: datetime | None = None,
    ) -> CommunityThread:
        check.snowflake(guild_id, "guild id")
        check.snowflake(thread_id, "thread id")
        check.optional_snowflake(message_id, "message id")
        if question_id is not None:
            check.snowflake(question_id, "question id")
        now = check.now_or(at)
        # The question's row may be missing (not logged, or forgotten): then no link.
        found = await self._write_one(
            "INSERT INTO community_threads (thread_id, guild_id, question_id, message_id, "
            "asked_at) VALUES (?, ?, (SELECT id FROM question_log WHERE id = ?), ?, ?) "
            f"ON CONFLICT (thread_id) DO NOTHING RETURNING {_COLUMNS}",
            (thread_id, guild_id, question_id, message_id, check.to_db(now)),
        )
        if found:
            return _thread(found[0])
        existing = await self.community_thread(thread_id)
        assert existing is not None
        return existing

    async def community_thread(self, thread_id: int) -> CommunityThread | None:
        check.snowflake(thread_id, "thread id")
        found = await self._query(
            f"SELECT {_COLUMNS} FROM community_threads WHERE thread_id = ?", (thread_id,)
        )
        return _thread(found[0]) if found else None

    async def community_thread_for_question(self, question_id: int) -> CommunityThread | None:
        check.snowflake(question_id, "question id")
        found = await self._query(
            f"SELECT {_COLUMNS} FROM community_threads WHERE question_id = ? "
            "ORDER BY asked_at LIMIT 1",
            (question_id,),
        )
        return _thread(found[0]) if found else None

    async def mark_community_thread_answered(
        self, thread_id: int, *, at: datetime | None = None
    ) -> bool:
        check.snowflake(thread_id, "thread id")
        now = check.now_or(at)
        found = await self._write_one(
            "UPDATE community_threads SET answered_at = ? "
            "WHERE thread_id = ? AND answered_at IS NULL RETURNING thread_id",
            (check.to_db(now), thread_id),
        )
        return bool(found)

    async def community_thread_counts(
        self, since: datetime, until: datetime, *, guild_id: int | None = None
    ) -> tuple[int, int]:
        lower, upper = check.to_db(since), check.to_db(until)
        sql = (
            "SELECT COUNT(*) AS opened, COUNT(answered_at) AS answered "
            "FROM community_threads WHERE asked_at >= ? AND asked_at < ?"
        )
        params: tuple[Any, ...] = (lower, upper)
        if guild_id is not None:
            check.snowflake(guild_id, "guild id")
            sql += " AND guild_id = ?"
            params = (*params, guild_id)
        found = await self._query(sql, params)
        return int(found[0]["opened"]), int(found[0]["answered"])
