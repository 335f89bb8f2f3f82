"""Streak arithmetic on local calendar days. Pure: no clock, no I/O.

A streak is the number of consecutive days, in the member's own time zone, with at
least one learning action. Days are what count, so doing ten things on Tuesday is one
day, and "Tuesday" is the member's Tuesday, not UTC's (a fixed UTC cutoff would end a
Los Angeles member's day in the afternoon and confuse everyone).

A streak stays alive through the end of the day after its last active day: if you
studied yesterday and not yet today, your streak is still yours to continue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class StreakState:
    """What the store keeps per member; updated once per new active day."""

    current: int = 0
    longest: int = 0
    last_day: date | None = None


def local_day(instant: datetime, tz: str) -> date:
    """The calendar day ``instant`` falls on for someone living in ``tz``."""
    return instant.astimezone(ZoneInfo(tz)).date()


def advance(state: StreakState, day: date) -> StreakState:
    """The state after activity on ``day``.

    The same day again changes nothing (no inflation). A day before the last active
    day (a late event, or a member who moved west across the date line) is recorded by
    the caller but does not rewrite the streak.
    """
    last = state.last_day
    if last is None or day > last + timedelta(days=1):
        current = 1
    elif day == last + timedelta(days=1):
        current = state.current + 1
    else:
        return state
    return StreakState(current=current, longest=max(state.longest, current), last_day=day)


def current_as_of(state: StreakState, today: date) -> int:
    """The streak to show on ``today``: 0 once a whole local day passed without activity."""
    if state.last_day is None or (today - state.last_day).days > 1:
        return 0
    return state.current


def from_days(days: Iterable[date]) -> StreakState:
    """Recompute from scratch (used by tests to check the incremental path)."""
    state = StreakState()
    for day in sorted(set(days)):
        state = advance(state, day)
    return state
