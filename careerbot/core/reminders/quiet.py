"""Quiet hours: a member's nightly "not now". Pure functions, no I/O.

Quiet hours are a window of local wall-clock time in the member's zone, such as
22:00-07:00 (it may wrap past midnight). A reminder that falls due inside the window
is not sent then: it waits for the window's end and goes out once, on time rather
than "late". Repeating reminders then carry on from their own schedule, so a daily
23:00 reminder with quiet hours 22:00-07:00 arrives at 07:00 every day, once.

The end of the window is a wall-clock time like any reminder's and follows
:mod:`storage.recurrence`'s daylight-saving policy: an end inside the spring-forward
gap is read with the offset before the jump, which lands just after the gap.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.recurrence import resolve_local


def is_window(start: time | None, end: time | None) -> bool:
    """Whether ``start``-``end`` is a real window (both set, not the same minute)."""
    return start is not None and end is not None and start != end


def quiet_until(now: datetime, tz: str, start: time | None, end: time | None) -> datetime | None:
    """When ``now`` (aware) falls in the quiet window, the UTC instant the window ends;
    otherwise (or without a window) ``None``. ``start`` is inside the window, ``end``
    is not: at exactly 07:00 a 22:00-07:00 window is over."""
    if start is None or end is None or start == end:
        return None
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    if start < end:  # same day, e.g. 13:00-14:00
        inside, end_day = start <= clock < end, local.date()
    elif clock >= start:  # wraps midnight, before it: ends tomorrow
        inside, end_day = True, local.date() + timedelta(days=1)
    else:  # wraps midnight, after it: ends today
        inside, end_day = clock < end, local.date()
    if not inside:
        return None
    until = resolve_local(end_day, end, zone)
    # A window ending in a spring-forward gap ends just after it; never before now.
    return until if until > now else None


def describe(start: time, end: time, tz: str) -> str:
    """``22:00-07:00 (Europe/Berlin)``."""
    return f"{start.strftime('%H:%M')}–{end.strftime('%H:%M')} ({tz})"
