"""Notices waiting for a member until they next use the bot."""

from __future__ import annotations

from datetime import datetime

from storage import validate as check
from storage.sqlite.base import SqliteBase

#: A member with this many waiting notices gets no more (the oldest ones say enough).
MAX_NOTICES_PER_MEMBER = 20

#: Is anything waiting? Asked on every interaction, so an index probe only.
HAS_NOTICES_SQL = "SELECT 1 FROM member_notices WHERE member_id = ? LIMIT 1"


class NoticesMixin(SqliteBase):
    """Leave a notice for a member; take (read and delete) their notices."""

    async def add_notice(self, member_id: int, text: str, *, at: datetime | None = None) -> bool:
        check.snowflake(member_id, "member id")
        check.text(text, "notice", check.MAX_REMINDER_TEXT_LEN)
        now = check.now_or(at)
        async with self._write() as conn:
            await self._ensure_member(conn, member_id, now)
            found = await self._fetch(
                conn, "SELECT COUNT(*) FROM member_notices WHERE member_id = ?", (member_id,)
            )
            if int(found[0][0]) >= MAX_NOTICES_PER_MEMBER:
                return False
            await conn.execute(
                "INSERT INTO member_notices (member_id, notice, created_at) VALUES (?, ?, ?)",
                (member_id, text, check.to_db(now)),
            )
            return True

    async def has_notices(self, member_id: int) -> bool:
        check.snowflake(member_id, "member id")
        return bool(await self._query(HAS_NOTICES_SQL, (member_id,)))

    async def take_notices(self, member_id: int) -> list[str]:
        check.snowflake(member_id, "member id")
        async with self._write() as conn:
            found = await self._fetch(
                conn,
                "DELETE FROM member_notices WHERE member_id = ? RETURNING id, notice",
                (member_id,),
            )
        return [row["notice"] for row in sorted(found, key=lambda row: row["id"])]
