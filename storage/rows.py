"""Turning stored rows into API dataclasses and back. No SQL runs here.

Kept apart from the queries so that the storage format (Unix seconds, ``HH:MM`` text,
weekday bitmasks, 0/1 booleans) is described in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from functools import cache
from typing import Any

from storage.models import (
    LoggedQuestion,
    Member,
    MemberPrefs,
    ProgressEvent,
    ProgressItem,
    Reminder,
    ReminderTarget,
    Schedule,
)
from storage.validate import from_db, optional_from_db, time_from_db, time_to_db

Row = Mapping[str, Any]

MEMBER_COLUMNS = (
    "member_id, tz, remind_via, remind_guild_id, remind_channel_id, quiet_start, quiet_end, "
    "store_question_text, created_at, last_seen_at"
)
REMINDER_COLUMNS = (
    "id, member_id, kind, tz, times, weekdays, once_at, message, target_via, "
    "target_guild_id, target_channel_id, active, next_due_at, last_sent_at, created_at, "
    "claimed_by, claimed_due_at"
)
QUESTION_COLUMNS = (
    "id, member_id, guild_id, visibility, question_text, matched_id, match_kind, "
    "confidence, asked_at"
)
HISTORY_COLUMNS = (
    "id, member_id, skill_id, item_id, old_status, new_status, changed_at, note, undone_at"
)


def member(row: Row) -> Member:
    start, end = row["quiet_start"], row["quiet_end"]
    return Member(
        member_id=row["member_id"],
        tz=row["tz"],
        prefs=MemberPrefs(
            remind_via=row["remind_via"],
            remind_guild_id=row["remind_guild_id"],
            remind_channel_id=row["remind_channel_id"],
            quiet_start=None if start is None else time_from_db(start),
            quiet_end=None if end is None else time_from_db(end),
            store_question_text=bool(row["store_question_text"]),
        ),
        created_at=from_db(row["created_at"]),
        last_seen_at=from_db(row["last_seen_at"]),
    )


def progress_item(row: Row) -> ProgressItem:
    return ProgressItem(
        member_id=row["member_id"],
        skill_id=row["skill_id"],
        item_id=row["item_id"],
        status=row["status"],
        updated_at=from_db(row["updated_at"]),
    )


def progress_event(row: Row) -> ProgressEvent:
    return ProgressEvent(
        id=row["id"],
        member_id=row["member_id"],
        skill_id=row["skill_id"],
        item_id=row["item_id"],
        old_status=row["old_status"],
        new_status=row["new_status"],
        changed_at=from_db(row["changed_at"]),
        note=row["note"],
        undone_at=None if row["undone_at"] is None else from_db(row["undone_at"]),
    )


def weekdays_to_db(weekdays: frozenset[int]) -> int:
    """Bit 0 = Monday ... bit 6 = Sunday."""
    return sum(1 << day for day in weekdays)


@cache
def weekdays_from_db(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask >> day & 1)


@cache
def times_from_db(value: str) -> tuple[time, ...]:
    """Cached: the scheduler converts thousands of rows sharing a few distinct values."""
    return tuple(time_from_db(part) for part in value.split(",") if part)


def times_to_db(schedule: Schedule) -> str:
    return ",".join(time_to_db(at) for at in schedule.times)


def reminder(row: Row) -> Reminder:
    """While a claim is live the stored ``next_due_at`` is the lease expiry and the
    occurrence being sent is in ``claimed_due_at``; the API shows them as such."""
    schedule = Schedule(
        kind=row["kind"],
        tz=row["tz"],
        times=times_from_db(row["times"]),
        weekdays=weekdays_from_db(row["weekdays"]),
        at=optional_from_db(row["once_at"]),
    )
    claimed_by = row["claimed_by"]
    if claimed_by is None:
        next_due, expires = row["next_due_at"], None
    else:
        next_due, expires = row["claimed_due_at"], row["next_due_at"]
    return Reminder(
        id=row["id"],
        member_id=row["member_id"],
        schedule=schedule,
        target=ReminderTarget(
            via=row["target_via"],
            guild_id=row["target_guild_id"],
            channel_id=row["target_channel_id"],
        ),
        message=row["message"],
        next_due_at=optional_from_db(next_due),
        last_sent_at=optional_from_db(row["last_sent_at"]),
        active=bool(row["active"]),
        created_at=from_db(row["created_at"]),
        claimed_by=claimed_by,
        claim_expires_at=optional_from_db(expires),
    )


def question(row: Row) -> LoggedQuestion:
    return LoggedQuestion(
        id=row["id"],
        member_id=row["member_id"],
        guild_id=row["guild_id"],
        visibility=row["visibility"],
        text=row["question_text"],
        matched_id=row["matched_id"],
        match_kind=row["match_kind"],
        confidence=row["confidence"],
        asked_at=from_db(row["asked_at"]),
    )


#: Columns holding booleans (SQLite returns them as 0/1).
BOOLEAN_COLUMNS = frozenset({"active", "helpful", "store_question_text", "warned"})


def export_row(row: Row) -> dict[str, Any]:
    """A row as JSON-friendly data: ``*_at`` seconds become ISO-8601 UTC, flags bools."""
    result: dict[str, Any] = {}
    for key in row.keys():  # noqa: SIM118 - sqlite3.Row has keys() but no __iter__ of keys
        value = row[key]
        if key.endswith("_at") and isinstance(value, int):
            value = from_db(value).isoformat()
        elif key in BOOLEAN_COLUMNS and value is not None:
            value = bool(value)
        result[key] = value
    return result


def day_from_db(value: str) -> date:
    return date.fromisoformat(value)
