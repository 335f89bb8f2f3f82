"""Reminders: CRUD, limits and the scheduler's claim protocol."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import aiosqlite

from storage import limits as reminder_limits
from storage import recurrence, rows
from storage import validate as check
from storage.errors import NotFoundError
from storage.models import Reminder, ReminderTarget, Schedule
from storage.rows import REMINDER_COLUMNS
from storage.sqlite.base import SqliteBase

#: Reminders due at a time, earliest first: a range scan of ``reminders_due``.
DUE_SQL = (
    f"SELECT {REMINDER_COLUMNS} FROM reminders "
    "WHERE next_due_at <= ? ORDER BY next_due_at, id LIMIT ?"
)
#: When the scheduler must wake up: MIN over the same index.
NEXT_DUE_SQL = "SELECT MIN(next_due_at) FROM reminders"


@cache
def claim_sql(row_lock: str = "") -> str:
    """Claim: one statement, so the selection and the update cannot interleave.

    ``row_lock`` is ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: there the inner SELECT
    runs on a snapshot, and without it two claimers select the same ids and both
    update them (the second after waiting for the first).
    """
    return (
        "UPDATE reminders SET claimed_by = ?, "
        "claimed_due_at = COALESCE(claimed_due_at, next_due_at), next_due_at = ?, "
        "updated_at = ? WHERE id IN (SELECT id FROM reminders WHERE next_due_at <= ? "
        f"ORDER BY next_due_at, id LIMIT ?{row_lock}) "
        f"RETURNING {REMINDER_COLUMNS}"
    )


CLAIM_SQL = claim_sql()


class RemindersMixin(SqliteBase):
    """Reminders: lifecycle, per-member limits, and the claim protocol for schedulers."""

    async def _active_count(self, conn: aiosqlite.Connection, member_id: int) -> int:
        found = await self._fetch(
            conn,
            "SELECT COUNT(*) FROM reminders WHERE member_id = ? AND active = TRUE "
            "AND next_due_at IS NOT NULL",
            (member_id,),
        )
        return int(found[0][0])

    async def _owned(
        self, conn: aiosqlite.Connection, reminder_id: int, member_id: int
    ) -> Reminder:
        check.positive_int(reminder_id, "reminder id")
        check.snowflake(member_id, "member id")
        await self._lock_member(conn, member_id)  # the active-count checks rely on it
        found = await self._fetch(
            conn,
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE id = ? AND member_id = ?"
            f"{self._FOR_UPDATE}",
            (reminder_id, member_id),
        )
        if not found:
            raise NotFoundError(f"you have no reminder #{reminder_id}")
        return rows.reminder(found[0])

    async def create_reminder(
        self,
        member_id: int,
        schedule: Schedule,
        *,
        message: str,
        target: ReminderTarget | None = None,
        at: datetime | None = None,
    ) -> Reminder:
        check.snowflake(member_id, "member id")
        now = check.now_or(at)
        schedule = reminder_limits.check_schedule(schedule, self.limits, now)
        check.text(message, "reminder message", check.MAX_REMINDER_TEXT_LEN)
        if target is not None:
            target = reminder_limits.check_target(target)
        async with self._write() as conn:
            member = await self._ensure_member(conn, member_id, now)
            if target is None:
                prefs = member.prefs
                target = ReminderTarget()
                if prefs.remind_via == "channel" and prefs.remind_channel_id is not None:
                    target = ReminderTarget(
                        "channel", prefs.remind_guild_id, prefs.remind_channel_id
                    )
            reminder_limits.check_active_count(
                await self._active_count(conn, member_id), self.limits
            )
            due = recurrence.next_due(schedule, now)
            stamp = check.to_db(now)
            found = await self._fetch(
                conn,
                "INSERT INTO reminders (member_id, kind, tz, times, weekdays, once_at, message, "
                "target_via, target_guild_id, target_channel_id, active, next_due_at, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?, ?) "
                f"RETURNING {REMINDER_COLUMNS}",
                (
                    member_id,
                    schedule.kind,
                    schedule.tz,
                    rows.times_to_db(schedule),
                    rows.weekdays_to_db(schedule.weekdays),
                    check.optional_to_db(schedule.at),
                    message,
                    target.via,
                    target.guild_id,
                    target.channel_id,
                    check.optional_to_db(due),
                    stamp,
                    stamp,
                ),
            )
            return rows.reminder(found[0])

    async def get_reminder(self, reminder_id: int) -> Reminder | None:
        check.positive_int(reminder_id, "reminder id")
        found = await self._query(
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE id = ?", (reminder_id,)
        )
        return rows.reminder(found[0]) if found else None

    async def list_reminders(
        self, member_id: int, *, include_finished: bool = False
    ) -> list[Reminder]:
        check.snowflake(member_id, "member id")
        found = await self._query(
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE member_id = ? ORDER BY id",
            (member_id,),
        )
        result = [rows.reminder(row) for row in found]
        return [r for r in result if include_finished or not r.finished]

    async def update_reminder(
        self,
        reminder_id: int,
        *,
        member_id: int,
        schedule: Schedule | None = None,
        message: str | None = None,
        target: ReminderTarget | None = None,
        at: datetime | None = None,
    ) -> Reminder:
        now = check.now_or(at)
        if schedule is not None:
            schedule = reminder_limits.check_schedule(schedule, self.limits, now)
        if message is not None:
            check.text(message, "reminder message", check.MAX_REMINDER_TEXT_LEN)
        if target is not None:
            target = reminder_limits.check_target(target)
        async with self._write() as conn:
            current = await self._owned(conn, reminder_id, member_id)
            new_schedule = schedule or current.schedule
            new_target = target or current.target
            params: tuple[Any, ...] = (
                new_schedule.kind,
                new_schedule.tz,
                rows.times_to_db(new_schedule),
                rows.weekdays_to_db(new_schedule.weekdays),
                check.optional_to_db(new_schedule.at),
                message if message is not None else current.message,
                new_target.via,
                new_target.guild_id,
                new_target.channel_id,
                check.to_db(now),
            )
            sets = (
                "kind = ?, tz = ?, times = ?, weekdays = ?, once_at = ?, message = ?, "
                "target_via = ?, target_guild_id = ?, target_channel_id = ?, updated_at = ?"
            )
            if schedule is not None and current.active:
                # A new schedule replaces the pending occurrence (and any claim on it).
                due = recurrence.next_due(new_schedule, now)
                if current.finished and due is not None:  # a sent one-off comes back
                    count = await self._active_count(conn, current.member_id)
                    reminder_limits.check_active_count(count, self.limits)
                sets += ", next_due_at = ?, claimed_by = NULL, claimed_due_at = NULL"
                params += (check.optional_to_db(due),)
            found = await self._fetch(
                conn,
                f"UPDATE reminders SET {sets} WHERE id = ? RETURNING {REMINDER_COLUMNS}",
                (*params, reminder_id),
            )
            return rows.reminder(found[0])

    async def pause_reminder(
        self, reminder_id: int, *, member_id: int, at: datetime | None = None
    ) -> Reminder:
        now = check.now_or(at)
        async with self._write() as conn:
            await self._owned(conn, reminder_id, member_id)
            found = await self._fetch(
                conn,
                "UPDATE reminders SET active = FALSE, next_due_at = NULL, claimed_by = NULL, "
                "claimed_due_at = NULL, updated_at = ? WHERE id = ? "
                f"RETURNING {REMINDER_COLUMNS}",
                (check.to_db(now), reminder_id),
            )
            return rows.reminder(found[0])

    async def resume_reminder(
        self, reminder_id: int, *, member_id: int, at: datetime | None = None
    ) -> Reminder:
        now = check.now_or(at)
        async with self._write() as conn:
            current = await self._owned(conn, reminder_id, member_id)
            if current.active:
                return current
            reminder_limits.check_active_count(
                await self._active_count(conn, member_id), self.limits
            )
            due = recurrence.next_due(current.schedule, now)
            if current.schedule.kind == "once" and due is None:
                due = now  # its time passed while paused: the member asked for it, send it
            found = await self._fetch(
                conn,
                "UPDATE reminders SET active = TRUE, next_due_at = ?, updated_at = ? "
                f"WHERE id = ? RETURNING {REMINDER_COLUMNS}",
                (check.optional_to_db(due), check.to_db(now), reminder_id),
            )
            return rows.reminder(found[0])

    async def delete_reminder(self, reminder_id: int, *, member_id: int) -> None:
        async with self._write() as conn:
            await self._owned(conn, reminder_id, member_id)
            await conn.execute("DELETE FROM reminders WHERE id = ?", (reminder_id,))

    async def next_due_at(self) -> datetime | None:
        found = await self._query(NEXT_DUE_SQL, ())
        return check.optional_from_db(found[0][0])

    async def due_reminders(self, now: datetime, *, limit: int = 100) -> list[Reminder]:
        check.positive_int(limit, "limit", 100_000)
        found = await self._query(DUE_SQL, (check.to_db(now, "now"), limit))
        return [rows.reminder(row) for row in found]

    async def claim_due(
        self, now: datetime, claimer_id: str, *, lease_seconds: int = 300, limit: int = 100
    ) -> list[Reminder]:
        check.text(claimer_id, "claimer id", check.MAX_ID_LEN)
        check.positive_int(lease_seconds, "lease seconds", 7 * 24 * 3600)
        check.positive_int(limit, "limit", 100_000)
        stamp = check.to_db(now, "now")
        found = await self._write_one(
            claim_sql(self._CLAIM_LOCK), (claimer_id, stamp + lease_seconds, stamp, stamp, limit)
        )
        claimed = [rows.reminder(row) for row in found]
        return sorted(claimed, key=lambda r: (r.next_due_at or now, r.id))

    async def mark_sent(
        self,
        reminder_id: int,
        sent_at: datetime,
        *,
        claimer_id: str | None = None,
        claimed: Reminder | None = None,
    ) -> Reminder | None:
        check.positive_int(reminder_id, "reminder id")
        sent = check.aware(sent_at, "sent at").astimezone(UTC).replace(microsecond=0)
        if claimed is not None and claimer_id is not None:
            return await self._mark_claimed_sent(reminder_id, sent, claimer_id, claimed)
        found = await self._query(
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE id = ?", (reminder_id,)
        )
        if not found:
            return None
        current = rows.reminder(found[0])
        served = current.next_due_at
        if current.claimed_by != claimer_id or not current.active or served is None:
            return None
        if claimer_id is None and served > sent:
            return None  # unclaimed and not due: nothing was owed
        due = recurrence.next_due(current.schedule, max(sent, served))
        # Compare-and-set, one statement: written only while the row is as it was read
        # (still active, same claim, same stored due time). A pause, an edit or another
        # claimer that got there first wins, and nothing is recorded. No transaction
        # spans the read, so a scheduler holds no lock while computing.
        holder, params = "claimed_by IS NULL", ()
        if claimer_id is not None:
            holder, params = "claimed_by = ?", (claimer_id,)
        updated = await self._write_one(
            "UPDATE reminders SET last_sent_at = ?, next_due_at = ?, claimed_by = NULL, "
            "claimed_due_at = NULL, updated_at = ? "
            f"WHERE id = ? AND active = TRUE AND next_due_at = ? AND {holder} "
            f"RETURNING {REMINDER_COLUMNS}",
            (
                check.to_db(sent),
                check.optional_to_db(due),
                check.to_db(sent),
                reminder_id,
                found[0]["next_due_at"],
                *params,
            ),
        )
        return rows.reminder(updated[0]) if updated else None

    async def _mark_claimed_sent(
        self, reminder_id: int, sent: datetime, claimer_id: str, claimed: Reminder
    ) -> Reminder | None:
        """``mark_sent`` from the row as ``claim_due`` returned it: one statement, no read.

        The claim pins the row: every change that matters to the next occurrence (a new
        schedule, a pause, a delete, an expired lease taken by another claimer) clears or
        replaces the claim, so a row still held by this claim, with the same lease expiry
        and the same claimed occurrence, still has the schedule the claimer saw.
        """
        if claimed.id != reminder_id:
            raise ValueError(f"claimed is reminder {claimed.id}, not {reminder_id}")
        served, expires = claimed.next_due_at, claimed.claim_expires_at
        if claimed.claimed_by != claimer_id or served is None or expires is None:
            return None
        due = recurrence.next_due(claimed.schedule, max(sent, served))
        updated = await self._write_one(
            "UPDATE reminders SET last_sent_at = ?, next_due_at = ?, claimed_by = NULL, "
            "claimed_due_at = NULL, updated_at = ? "
            "WHERE id = ? AND active = TRUE AND claimed_by = ? AND next_due_at = ? "
            f"AND claimed_due_at = ? RETURNING {REMINDER_COLUMNS}",
            (
                check.to_db(sent),
                check.optional_to_db(due),
                check.to_db(sent),
                reminder_id,
                claimer_id,
                check.to_db(expires),
                check.to_db(served),
            ),
        )
        return rows.reminder(updated[0]) if updated else None

    async def release_claim(
        self, reminder_id: int, claimer_id: str, *, retry_at: datetime | None = None
    ) -> bool:
        check.positive_int(reminder_id, "reminder id")
        check.text(claimer_id, "claimer id", check.MAX_ID_LEN)
        retry = check.optional_to_db(retry_at, "retry at")
        async with self._write() as conn:
            cursor = await conn.execute(
                "UPDATE reminders SET next_due_at = COALESCE(?, claimed_due_at), "
                "claimed_by = NULL, claimed_due_at = NULL WHERE id = ? AND claimed_by = ?",
                (retry, reminder_id, claimer_id),
            )
            return cursor.rowcount == 1
