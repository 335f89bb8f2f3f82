"""When does a reminder fire next? Pure functions, no I/O, so they are easy to test.

Recurring reminders are wall-clock times in the member's IANA zone ("09:00 on Monday
and Thursday in Europe/Berlin"), stored as such, and turned into a UTC instant only
when the next occurrence is computed. That keeps 09:00 at 09:00 local on both sides of
a daylight-saving change, which a UTC schedule would not.

Daylight-saving policy (deliberate, tested with real Berlin and New York dates):

* A local time that does not exist (the spring-forward gap) fires at the same
  wall-clock distance after the gap: 02:30 on the day Berlin jumps from 02:00 to
  03:00 fires at 03:30 local. The member still gets that day's reminder, late by
  exactly the length of the gap, never skipped.
* A local time that exists twice (the fall-back overlap) fires once, at the first
  occurrence (PEP 495 ``fold=0``), never twice.

Both fall out of ``zoneinfo``'s ``fold=0`` rule: a nonexistent time is interpreted
with the offset in force before the transition, which lands after the gap.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from storage.models import Schedule

#: Far enough to find the next occurrence of any weekly schedule, even across a
#: skipped calendar day (Pacific/Apia skipped 2011-12-30).
_SEARCH_DAYS = 9


def resolve_local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``zone``, per the DST policy."""
    local = datetime.combine(day, at.replace(tzinfo=None)).replace(tzinfo=zone, fold=0)
    return local.astimezone(UTC)


def next_due(schedule: Schedule, after: datetime) -> datetime | None:
    """The first firing strictly after ``after`` (UTC), or ``None`` if it never fires again.

    "Strictly after" is what makes catching up safe: the scheduler passes the time it
    sent (or the occurrence it served), so an occurrence is never produced twice, and
    after downtime the reminder resumes at the next future occurrence instead of
    replaying every missed one.
    """
    if schedule.kind == "once":
        if schedule.at is None:
            return None
        at = schedule.at.astimezone(UTC)
        return at if at > after else None
    zone = ZoneInfo(schedule.tz)
    start = after.astimezone(zone).date() - timedelta(days=1)
    best: datetime | None = None
    for offset in range(_SEARCH_DAYS):
        day = start + timedelta(days=offset)
        if day.weekday() not in schedule.weekdays:
            continue
        for at in schedule.times:
            instant = resolve_local(day, at, zone)
            if instant > after and (best is None or instant < best):
                best = instant
    return best


def min_gap_minutes(schedule: Schedule) -> int | None:
    """Smallest wall-clock gap between two firings over a week (``None``: fires once).

    Used to refuse schedules that fire more often than the limit. Wall-clock minutes
    are what the member chose; DST can shift single occurrences by the gap length,
    which the policy above accepts.
    """
    if schedule.kind == "once":
        return None
    week = 7 * 24 * 60
    points = sorted(
        day * 24 * 60 + at.hour * 60 + at.minute
        for day in schedule.weekdays
        for at in schedule.times
    )
    if len(points) < 2:
        return week if points else None
    gaps = [b - a for a, b in pairwise(points)]
    gaps.append(points[0] + week - points[-1])
    return min(gaps)
