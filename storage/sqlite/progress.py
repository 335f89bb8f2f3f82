"""Progress, its history, the summary and streaks."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime

import aiosqlite

from storage import rows, streaks
from storage import summary as summaries
from storage import validate as check
from storage.errors import InvalidInputError
from storage.models import (
    ACTIVE_STATUSES,
    STATUSES,
    LearningPath,
    Member,
    ProgressEvent,
    ProgressItem,
    ProgressSummary,
    Status,
    Streak,
)
from storage.rows import HISTORY_COLUMNS
from storage.sqlite.base import SqliteBase

#: A member's progress for the summary: a primary-key prefix scan.
SUMMARY_SQL = "SELECT item_id, status, updated_at FROM progress WHERE member_id = ?"


class ProgressMixin(SqliteBase):
    """Checklist progress, its history, the summary, and streaks."""

    async def set_progress(
        self,
        member_id: int,
        skill_id: str,
        item_id: str,
        status: Status,
        *,
        at: datetime | None = None,
        note: str | None = None,
    ) -> ProgressItem:
        check.snowflake(member_id, "member id")
        check.text(skill_id, "skill id", check.MAX_ID_LEN)
        check.text(item_id, "item id", check.MAX_ID_LEN)
        if status not in STATUSES:
            raise InvalidInputError(f"status must be one of {', '.join(STATUSES)}")
        check.optional_text(note, "note", check.MAX_NOTE_LEN)
        now = check.now_or(at)
        stamp = check.to_db(now)
        async with self._write() as conn:
            member = await self._ensure_member(conn, member_id, now)
            found = await self._fetch(
                conn,
                "SELECT member_id, skill_id, item_id, status, updated_at FROM progress "
                "WHERE member_id = ? AND item_id = ?",
                (member_id, item_id),
            )
            if found and found[0]["status"] == status:
                return rows.progress_item(found[0])
            old_status = found[0]["status"] if found else None
            await conn.execute(
                "INSERT INTO progress (member_id, item_id, skill_id, status, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id, item_id) DO UPDATE SET "
                "skill_id = excluded.skill_id, status = excluded.status, "
                "updated_at = excluded.updated_at",
                (member_id, item_id, skill_id, status, stamp),
            )
            await conn.execute(
                "INSERT INTO progress_history (member_id, item_id, skill_id, old_status, "
                "new_status, changed_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (member_id, item_id, skill_id, old_status, status, stamp, note),
            )
            if status in ACTIVE_STATUSES:
                await self._record_day(conn, member, now)
        return ProgressItem(member_id, skill_id, item_id, status, now)

    async def _record_day(self, conn: aiosqlite.Connection, member: Member, now: datetime) -> None:
        """Add today (member's zone) to the activity record; advance the streak once.

        The streak is only read and written on a member's first activity of the day,
        so repeated actions cost a single (conflicting, no-op) insert.
        """
        day = streaks.local_day(now, member.tz)
        cursor = await conn.execute(
            "INSERT INTO activity_days (member_id, day) VALUES (?, ?) "
            "ON CONFLICT (member_id, day) DO NOTHING",
            (member.member_id, day.isoformat()),
        )
        if cursor.rowcount == 0:
            return
        state = await self._streak_state(conn, member.member_id)
        advanced = streaks.advance(state, day)
        if advanced != state:
            await conn.execute(
                "INSERT INTO streaks (member_id, current_len, longest_len, last_day) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET "
                "current_len = excluded.current_len, longest_len = excluded.longest_len, "
                "last_day = excluded.last_day",
                (member.member_id, advanced.current, advanced.longest, day.isoformat()),
            )

    async def _streak_state(
        self, conn: aiosqlite.Connection, member_id: int
    ) -> streaks.StreakState:
        found = await self._fetch(
            conn,
            "SELECT current_len, longest_len, last_day FROM streaks WHERE member_id = ?",
            (member_id,),
        )
        if not found:
            return streaks.StreakState()
        row = found[0]
        return streaks.StreakState(
            row["current_len"], row["longest_len"], rows.day_from_db(row["last_day"])
        )

    @staticmethod
    def _streak(member_id: int, tz: str, state: streaks.StreakState, now: datetime) -> Streak:
        today = streaks.local_day(now, tz)
        return Streak(
            member_id=member_id,
            current=streaks.current_as_of(state, today),
            longest=state.longest,
            last_active_day=state.last_day,
            today=today,
        )

    async def get_progress(self, member_id: int) -> list[ProgressItem]:
        check.snowflake(member_id, "member id")
        found = await self._query(
            "SELECT member_id, skill_id, item_id, status, updated_at FROM progress "
            "WHERE member_id = ? ORDER BY item_id",
            (member_id,),
        )
        return [rows.progress_item(row) for row in found]

    async def progress_history(self, member_id: int, *, limit: int = 100) -> list[ProgressEvent]:
        check.snowflake(member_id, "member id")
        check.positive_int(limit, "limit", 10_000)
        found = await self._query(
            f"SELECT {HISTORY_COLUMNS} FROM progress_history WHERE member_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (member_id, limit),
        )
        return [rows.progress_event(row) for row in found]

    async def undo_progress(
        self, member_id: int, item_id: str | None = None, *, at: datetime | None = None
    ) -> ProgressEvent | None:
        check.snowflake(member_id, "member id")
        if item_id is not None:
            check.text(item_id, "item id", check.MAX_ID_LEN)
        now = check.now_or(at)
        stamp = check.to_db(now)
        where, params = "member_id = ?", [member_id]
        if item_id is not None:
            where, params = "member_id = ? AND item_id = ?", [member_id, item_id]
        async with self._write() as conn:
            await self._lock_member(conn, member_id)  # no set_progress in between
            found = await self._fetch(
                conn,
                f"SELECT {HISTORY_COLUMNS} FROM progress_history WHERE {where} "
                "ORDER BY id DESC LIMIT 1",
                tuple(params),
            )
            if not found or found[0]["undone_at"] is not None:
                return None
            event = rows.progress_event(found[0])
            current = await self._fetch(
                conn,
                "SELECT status FROM progress WHERE member_id = ? AND item_id = ?",
                (member_id, event.item_id),
            )
            if not current or current[0]["status"] != event.new_status:
                return None  # changed since, e.g. on another device: not ours to undo
            if event.old_status is None:
                await conn.execute(
                    "DELETE FROM progress WHERE member_id = ? AND item_id = ?",
                    (member_id, event.item_id),
                )
            else:
                await conn.execute(
                    "UPDATE progress SET status = ?, updated_at = ? "
                    "WHERE member_id = ? AND item_id = ?",
                    (event.old_status, stamp, member_id, event.item_id),
                )
            await conn.execute(
                "UPDATE progress_history SET undone_at = ? WHERE id = ?", (stamp, event.id)
            )
        return dataclasses.replace(event, undone_at=now)

    async def rename_progress_items(self, renames: Mapping[str, tuple[str, str]]) -> int:
        for old, (new, skill) in renames.items():
            check.text(old, "item id", check.MAX_ID_LEN)
            check.text(new, "item id", check.MAX_ID_LEN)
            check.text(skill, "skill id", check.MAX_ID_LEN)
            if old == new:
                raise InvalidInputError(f"item {old!r} renamed to itself")
        if not renames:
            return 0
        marks = ", ".join("?" for _ in renames)
        waiting = await self._query(
            f"SELECT 1 FROM progress WHERE item_id IN ({marks}) LIMIT 1", tuple(renames)
        )
        if not waiting:  # the usual case on every start and reload: one index probe
            return 0
        moved = 0
        async with self._write() as conn:
            await self._lock_table(conn, "progress")  # no member's new-id row in between
            for old, (new, skill) in renames.items():
                await conn.execute(
                    "DELETE FROM progress WHERE item_id = ? AND member_id IN "
                    "(SELECT member_id FROM progress WHERE item_id = ?)",
                    (old, new),
                )
                cursor = await conn.execute(
                    "UPDATE progress SET item_id = ?, skill_id = ? WHERE item_id = ?",
                    (new, skill, old),
                )
                moved += cursor.rowcount
                await conn.execute(
                    "UPDATE progress_history SET item_id = ?, skill_id = ? WHERE item_id = ?",
                    (new, skill, old),
                )
        return moved

    async def progress_item_counts(self) -> dict[str, int]:
        found = await self._query(
            "SELECT item_id, COUNT(*) AS members FROM progress GROUP BY item_id", ()
        )
        return {row["item_id"]: row["members"] for row in found}

    async def summary(self, member_id: int, path: LearningPath) -> ProgressSummary:
        check.snowflake(member_id, "member id")
        summaries.check_path(path)
        found = await self._query(SUMMARY_SQL, (member_id,))
        statuses = {
            row["item_id"]: (row["status"], check.from_db(row["updated_at"])) for row in found
        }
        return summaries.build(member_id, path, statuses)

    async def record_activity(self, member_id: int, *, at: datetime | None = None) -> Streak:
        check.snowflake(member_id, "member id")
        now = check.now_or(at)
        async with self._write() as conn:
            member = await self._ensure_member(conn, member_id, now)
            await self._record_day(conn, member, now)
            state = await self._streak_state(conn, member_id)
        return self._streak(member_id, member.tz, state, now)

    async def get_streak(self, member_id: int, *, at: datetime | None = None) -> Streak:
        check.snowflake(member_id, "member id")
        now = check.now_or(at)
        found = await self._query(
            "SELECT m.tz, s.current_len, s.longest_len, s.last_day FROM members m "
            "LEFT JOIN streaks s ON s.member_id = m.member_id WHERE m.member_id = ?",
            (member_id,),
        )
        if not found:
            return self._streak(member_id, "UTC", streaks.StreakState(), now)
        row = found[0]
        state = streaks.StreakState()
        if row["last_day"] is not None:
            state = streaks.StreakState(
                row["current_len"], row["longest_len"], rows.day_from_db(row["last_day"])
            )
        return self._streak(member_id, row["tz"], state, now)

    async def activity_days(self, member_id: int, *, limit: int = 60) -> list[date]:
        check.snowflake(member_id, "member id")
        check.positive_int(limit, "limit", 100_000)
        found = await self._query(
            "SELECT day FROM activity_days WHERE member_id = ? ORDER BY day DESC LIMIT ?",
            (member_id, limit),
        )
        return [rows.day_from_db(row["day"]) for row in found]
