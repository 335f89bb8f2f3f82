"""Forgiving parsing of ``/remind set when: [days:]`` into a storage :class:`Schedule`.

Pure (no Discord, no I/O, the clock is an argument) so every phrasing is tested with a
fixed "now". Members type what they would say to a friend, so this accepts:

* one-offs: ``in 2 hours``, ``in 30m``, ``in 1h30m``, ``tomorrow 18:00``,
  ``today 9pm``, ``2026-12-01 09:00``, ``2026-12-01`` (09:00 that day);
* recurring: a time of day (``18:00``, ``9am``, ``9:30 pm``, ``noon``, several separated
  by commas), optionally prefixed ``every day`` / ``daily`` / ``every weekday`` /
  ``every mon, wed``, and the ``days`` option (``mon,wed,fri``, ``mon-fri``,
  ``weekdays``, ``weekends``, ``daily``).

A bare time of day without ``days`` repeats every day: the command exists to build a
habit, and ``today 18:00`` says "just once" explicitly. Local times are in the member's
zone; a one-off at a time the clock skips (spring forward) or repeats (fall back)
follows storage's DST policy (:func:`storage.recurrence.resolve_local`): after the gap,
or the first of the two. Errors are :class:`ParseError` with a message for the member.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage import Schedule
from storage.recurrence import resolve_local

#: A one-off further away than this is almost certainly a typo ("2062").
MAX_AHEAD = timedelta(days=366 * 2)

DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "monday", "mo"),
        ("tue", "tues", "tuesday", "tu"),
        ("wed", "wednesday", "we"),
        ("thu", "thur", "thurs", "thursday", "th"),
        ("fri", "friday", "fr"),
        ("sat", "saturday", "sa"),
        ("sun", "sunday", "su"),
    )
):
    for _name in _names:
        DAY_NAMES[_name] = _index

DAY_GROUPS: dict[str, frozenset[int]] = {
    "daily": frozenset(range(7)),
    "every day": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "all": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekday": frozenset(range(5)),
    "workdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
}

_UNITS = {
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip
_DURATION_PART = re.compile(r"(\d+|an?|one)\s*([a-z]+)")
_TIME = re.compile(r"^(?:at\s+)?(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]+(.+))?$")
_EVERY = re.compile(r"^(?:every|each)\s+(.+?)\s+(?:at\s+)?(\d.*|noon|midnight)$")


class ParseError(ValueError):
    """``str(error)`` tells the member what was wrong and what would work."""


EXAMPLES = "Try `in 2 hours`, `tomorrow 18:00`, `2026-12-01 09:00`, or `9am` with days `mon,wed`."


def parse_time(text: str) -> time:
    """A wall-clock time: ``18:00``, ``9am``, ``9:30 pm``, ``7.15``, ``noon``, ``at 9``."""
    cleaned = text.strip().lower()
    if cleaned in ("noon", "midday"):
        return time(12, 0)
    if cleaned == "midnight":
        return time(0, 0)
    found = _TIME.match(cleaned)
    if not found:
        raise ParseError(f"I couldn't read {text.strip()!r} as a time of day, like 18:00 or 9am.")
    hour, minute = int(found[1]), int(found[2] or 0)
    suffix = (found[3] or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise ParseError(f"{text.strip()!r}: with am/pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ParseError(f"{text.strip()!r} is not a time of day (00:00 to 23:59).")
    return time(hour, minute)


def parse_times(text: str) -> tuple[time, ...]:
    """One or more times of day separated by commas or "and"."""
    parts = [p for p in re.split(r"\s*(?:,|\band\b|&)\s*", text.strip()) if p]
    if not parts:
        raise ParseError("Give a time of day, like 18:00 or 9am.")
    times = tuple(sorted({parse_time(p) for p in parts}))
    return times


def parse_days(text: str) -> frozenset[int]:
    """Weekdays (0 = Monday): ``mon,wed,fri``, ``mon-fri``, ``weekdays``, ``daily``..."""
    cleaned = " ".join(text.strip().lower().replace("every ", "").split())
    if cleaned in DAY_GROUPS or cleaned == "day":
        return DAY_GROUPS.get(cleaned, DAY_GROUPS["daily"])
    days: set[int] = set()
    for part in re.split(r"\s*(?:,|/|\band\b|&|\s)\s*", cleaned):
        if not part:
            continue
        if part in DAY_GROUPS:
            days |= DAY_GROUPS[part]
            continue
        if "-" in part:
            start, _, end = part.partition("-")
            first, last = _day(start), _day(end)
            days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
            continue
        days.add(_day(part))
    if not days:
        raise ParseError("Which days? For example `mon,wed,fri`, `weekdays` or `daily`.")
    return frozenset(days)


def _day(name: str) -> int:
    key = name.strip().rstrip(".")
    if key.endswith("s") and key[:-1] in DAY_NAMES and len(key) > 3:  # "mondays"
        key = key[:-1]
    if key not in DAY_NAMES:
        raise ParseError(
            f"{name!r} is not a weekday. Use names like mon, tue, wed (or `weekdays`)."
        )
    return DAY_NAMES[key]


def parse_duration(text: str) -> timedelta:
    """``2 hours``, ``30m``, ``1h30m``, ``an hour``, ``2 days``."""
    cleaned = text.strip().lower().replace(" and ", " ")
    total = 0
    position = 0
    for found in _DURATION_PART.finditer(cleaned):
        if cleaned[position : found.start()].strip(" ,"):
            break
        amount = 1 if found[1] in ("a", "an", "one") else int(found[1])
        unit = _UNITS.get(found[2])
        if unit is None:
            raise ParseError(f"I don't know the unit {found[2]!r}: use minutes, hours or days.")
        total += amount * unit
        position = found.end()
    if position == 0 or cleaned[position:].strip():
        raise ParseError(f"I couldn't read {text.strip()!r} as a duration, like `2 hours`.")
    if total <= 0:
        raise ParseError("The reminder must be in the future.")
    return timedelta(seconds=total)


def parse_when(when: str, days: str | None, *, tz: str, now: datetime) -> Schedule:
    """The schedule ``when`` (and ``days``) describe, for a member in zone ``tz``.

    ``now`` is the current instant (aware); the result of a one-off is in UTC.
    """
    text = " ".join(when.strip().lower().split())
    if not text:
        raise ParseError(f"When should I remind you? {EXAMPLES}")
    zone = ZoneInfo(tz)
    now = now.astimezone(UTC)
    once = _parse_once(text, zone, now)
    if once is not None:
        if days and days.strip():
            raise ParseError(
                "`days` is for repeating reminders; a one-off like this happens once. "
                "Give a time of day (like 9am) with the days instead."
            )
        return _future(once, now)
    weekdays: frozenset[int] | None = None
    every = _EVERY.match(text)
    if every:
        weekdays = parse_days(every[1])
        text = every[2]
    elif text.startswith(("daily ", "every day ")):
        weekdays = DAY_GROUPS["daily"]
        text = text.split(" ", 2 if text.startswith("every") else 1)[-1]
    elif text.startswith("daily"):
        raise ParseError("At what time? For example `daily 09:00`.")
    try:
        times = parse_times(text)
    except ParseError:
        raise ParseError(f"I couldn't understand {when.strip()!r}. {EXAMPLES}") from None
    if days and days.strip():
        weekdays = parse_days(days)
    if weekdays is None or weekdays == DAY_GROUPS["daily"]:
        return Schedule.daily(*times, tz=tz)
    return Schedule.weekly(sorted(weekdays), *times, tz=tz)


def _parse_once(text: str, zone: ZoneInfo, now: datetime) -> datetime | None:
    """The instant of a one-off phrasing, or ``None`` if ``text`` is not one."""
    if text.startswith("in "):
        return now + parse_duration(text[3:])
    local_today = now.astimezone(zone).date()
    for word, offset in (("today", 0), ("tonight", 0), ("tomorrow", 1), ("tmrw", 1)):
        if text == word or text.startswith(word + " "):
            rest = text[len(word) :].strip()
            default = time(20, 0) if word == "tonight" else time(9, 0)
            at = parse_time(rest) if rest else default
            return resolve_local(local_today + timedelta(days=offset), at, zone)
    found = _DATE.match(text)
    if found:
        try:
            day = date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            raise ParseError(f"{text!r} is not a real date (use YYYY-MM-DD).") from None
        at = parse_time(found[4]) if found[4] else time(9, 0)
        return resolve_local(day, at, zone)
    return None


def _future(at: datetime, now: datetime) -> Schedule:
    at = at.replace(microsecond=0)
    if at <= now:
        raise ParseError("That time has already passed. Pick a time in the future.")
    if at - now > MAX_AHEAD:
        raise ParseError("That is more than two years away; pick something sooner.")
    return Schedule.once(at)
