"""Members and their preferences."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage import limits as reminder_limits
from storage import recurrence, rows
from storage import validate as check
from storage.errors import InvalidInputError
from storage.models import Member, MemberPrefs, ReminderTarget, Schedule
from storage.rows import MEMBER_COLUMNS, REMINDER_COLUMNS
from storage.sqlite.base import SqliteBase


class MembersMixin(SqliteBase):
    """Members: created on first contact; time zone and preferences."""

    async def touch_member(self, member_id: int, *, at: datetime | None = None) -> Member:
        check.snowflake(member_id, "member id")
        now = check.now_or(at)
        async with self._write() as conn:
            return await self._ensure_member(conn, member_id, now)

    async def get_member(self, member_id: int) -> Member | None:
        check.snowflake(member_id, "member id")
        found = await self._query(
            f"SELECT {MEMBER_COLUMNS} FROM members WHERE member_id = ?", (member_id,)
        )
        return rows.member(found[0]) if found else None

    async def set_timezone(self, member_id: int, tz: str, *, at: datetime | None = None) -> Member:
        check.snowflake(member_id, "member id")
        tz = check.tz_name(tz)
        now = check.now_or(at)
        async with self._write() as conn:
            old = await self._ensure_member(conn, member_id, now)
            found = await self._fetch(
                conn,
                f"UPDATE members SET tz = ? WHERE member_id = ? RETURNING {MEMBER_COLUMNS}",
                (tz, member_id),
            )
            if old.tz != tz:
                await self._rezone_reminders(conn, member_id, old.tz, tz, now)
            return rows.member(found[0])

    async def _rezone_reminders(
        self, conn: aiosqlite.Connection, member_id: int, old_tz: str, new_tz: str, now: datetime
    ) -> None:
        """Recurring reminders in the member's old zone follow them to the new one."""
        found = await self._fetch(
            conn,
            f"SELECT {REMINDER_COLUMNS} FROM reminders "
            "WHERE member_id = ? AND tz = ? AND kind <> 'once'",
            (member_id, old_tz),
        )
        for row in found:
            reminder = rows.reminder(row)
            schedule = Schedule(
                kind=reminder.schedule.kind,
                tz=new_tz,
                times=reminder.schedule.times,
                weekdays=reminder.schedule.weekdays,
            )
            due = recurrence.next_due(schedule, now) if reminder.active else None
            await conn.execute(
                "UPDATE reminders SET tz = ?, next_due_at = ?, claimed_by = NULL, "
                "claimed_due_at = NULL, updated_at = ? WHERE id = ?",
                (new_tz, check.optional_to_db(due), check.to_db(now), reminder.id),
            )

    async def set_preferences(
        self, member_id: int, prefs: MemberPrefs, *, at: datetime | None = None
    ) -> Member:
        check.snowflake(member_id, "member id")
        if not isinstance(prefs, MemberPrefs):
            raise InvalidInputError("preferences must be a storage.MemberPrefs")
        reminder_limits.check_target(
            ReminderTarget(prefs.remind_via, prefs.remind_guild_id, prefs.remind_channel_id)
        )
        if (prefs.quiet_start is None) != (prefs.quiet_end is None):
            raise InvalidInputError("quiet hours need both a start and an end")
        quiet = [
            None if value is None else check.time_to_db(value)
            for value in (prefs.quiet_start, prefs.quiet_end)
        ]
        now = check.now_or(at)
        async with self._write() as conn:
            await self._ensure_member(conn, member_id, now)
            found = await self._fetch(
                conn,
                "UPDATE members SET remind_via = ?, remind_guild_id = ?, remind_channel_id = ?, "
                "quiet_start = ?, quiet_end = ?, store_question_text = ? WHERE member_id = ? "
                f"RETURNING {MEMBER_COLUMNS}",
                (
                    prefs.remind_via,
                    prefs.remind_guild_id,
                    prefs.remind_channel_id,
                    quiet[0],
                    quiet[1],
                    bool(prefs.store_question_text),
                    member_id,
                ),
            )
            return rows.member(found[0])
