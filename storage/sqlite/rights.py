"""Member data rights: export everything, forget everything."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from storage import rows
from storage import validate as check
from storage.sqlite.base import SqliteBase

#: Every table with rows about a member, children before parents (deletion order).
MEMBER_TABLES: tuple[str, ...] = (
    "question_feedback",
    "question_log",
    "member_notices",
    "ask_cooldowns",
    "reminders",
    "activity_days",
    "streaks",
    "progress_history",
    "progress",
    "members",
)


class RightsMixin(SqliteBase):
    """Export, and forget, everything about one member."""

    async def export_member(self, member_id: int) -> dict[str, Any]:
        check.snowflake(member_id, "member id")
        tables: dict[str, list[dict[str, Any]]] = {}
        async with self._read() as conn:
            for table in reversed(MEMBER_TABLES):
                # Table names are this module's constants, never input.
                found = await self._fetch(
                    conn, f"SELECT * FROM {table} WHERE member_id = ?", (member_id,)
                )
                tables[table] = [rows.export_row(row) for row in found]
        return {
            "format": "careerbot-member-export",
            "format_version": 1,
            "member_id": member_id,
            "exported_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "tables": tables,
        }

    async def forget_member(self, member_id: int) -> dict[str, int]:
        check.snowflake(member_id, "member id")
        deleted: dict[str, int] = {}
        async with self._write() as conn:
            await self._lock_member(conn, member_id)  # members last would invite deadlocks
            # Under the write lock: a question-log write queued behind this one, for a
            # question asked before now, is refused (see log_question).
            self._remember_forgotten(member_id, datetime.now(UTC))
            # Other members' votes on this member's questions go with the questions.
            cursor = await conn.execute(
                "DELETE FROM question_feedback WHERE question_id IN "
                "(SELECT id FROM question_log WHERE member_id = ?)",
                (member_id,),
            )
            deleted["question_feedback"] = cursor.rowcount
            for table in MEMBER_TABLES:
                cursor = await conn.execute(
                    f"DELETE FROM {table} WHERE member_id = ?", (member_id,)
                )
                deleted[table] = deleted.get(table, 0) + cursor.rowcount
        return deleted
