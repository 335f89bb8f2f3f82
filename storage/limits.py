"""Reminder checks shared by every backend: a well-formed schedule, within the limits.

The limits protect members from accidents ("remind me every minute") and the bot from
abuse (thousands of reminders from one account). Messages are written for the member.
"""

from __future__ import annotations

from datetime import datetime, time

from storage import validate
from storage.errors import InvalidInputError, LimitExceededError
from storage.models import ReminderLimits, ReminderTarget, Schedule
from storage.recurrence import min_gap_minutes

#: More times than this in one day is a list, not a reminder.
MAX_TIMES_PER_DAY = 24


def check_schedule(schedule: Schedule, limits: ReminderLimits, now: datetime) -> Schedule:
    """Return ``schedule`` normalised (times sorted, ``at`` in UTC) or raise."""
    if not isinstance(schedule, Schedule):
        raise InvalidInputError("schedule must be a storage.Schedule")
    if schedule.kind == "once":
        at = validate.aware(schedule.at, "reminder time")
        if at <= now:
            raise InvalidInputError("a one-off reminder must be in the future")
        return Schedule.once(validate.from_db(validate.to_db(at)))
    if schedule.kind not in ("daily", "weekly"):
        raise InvalidInputError(f"unknown schedule kind {schedule.kind!r}")
    tz = validate.tz_name(schedule.tz)
    times = schedule.times
    if not times:
        raise InvalidInputError("a recurring reminder needs at least one time of day")
    if len(times) > MAX_TIMES_PER_DAY:
        raise InvalidInputError(f"at most {MAX_TIMES_PER_DAY} times of day per reminder")
    for at in times:
        if not isinstance(at, time) or at.second or at.microsecond or at.tzinfo is not None:
            raise InvalidInputError("reminder times must be whole minutes like 09:30, no zone")
    if len(set(times)) != len(times):
        raise InvalidInputError("the same time of day is listed twice")
    weekdays = frozenset(schedule.weekdays)
    if schedule.kind == "daily":
        weekdays = frozenset(range(7))
    if not weekdays or not weekdays <= frozenset(range(7)):
        raise InvalidInputError("weekdays must be a non-empty set of 0 (Monday) .. 6 (Sunday)")
    normalised = Schedule(kind=schedule.kind, tz=tz, times=tuple(sorted(times)), weekdays=weekdays)
    gap = min_gap_minutes(normalised)
    if gap is not None and gap < limits.min_interval_minutes:
        raise LimitExceededError(
            f"a reminder may fire at most once every {limits.min_interval_minutes} minutes; "
            f"these times are {gap} minutes apart"
        )
    return normalised


def check_target(target: ReminderTarget) -> ReminderTarget:
    if not isinstance(target, ReminderTarget):
        raise InvalidInputError("target must be a storage.ReminderTarget")
    if target.via == "dm":
        if target.guild_id is not None or target.channel_id is not None:
            raise InvalidInputError("a DM reminder has no guild or channel")
        return target
    if target.via == "channel":
        if target.guild_id is None or target.channel_id is None:
            raise InvalidInputError("a channel reminder needs both a guild id and a channel id")
        validate.snowflake(target.guild_id, "guild id")
        validate.snowflake(target.channel_id, "channel id")
        return target
    raise InvalidInputError("a reminder goes to 'dm' or to a 'channel'")


def check_active_count(active: int, limits: ReminderLimits) -> None:
    """Raise if a member with ``active`` reminders may not get one more."""
    if active >= limits.max_active_per_member:
        raise LimitExceededError(
            f"you already have {active} active reminders (the limit is "
            f"{limits.max_active_per_member}); pause or delete one first"
        )
