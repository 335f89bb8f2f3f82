"""Quiet hours as pure functions: inside or not, and when the window ends (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from careerbot.core.reminders.quiet import describe, is_window, quiet_until

BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = (time(22), time(7))
LUNCH = (time(13), time(14))


def berlin(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("now", "window", "ends"),
    [
        # Wrapping midnight: before it, the window ends the next morning ...
        (berlin(2026, 11, 23, 22), NIGHT, berlin(2026, 11, 24, 7)),
        (berlin(2026, 11, 23, 23, 59), NIGHT, berlin(2026, 11, 24, 7)),
        # ... after it, the same morning.
        (berlin(2026, 11, 24, 0), NIGHT, berlin(2026, 11, 24, 7)),
        (berlin(2026, 11, 24, 6, 59), NIGHT, berlin(2026, 11, 24, 7)),
        # The end is not inside; daytime is not inside.
        (berlin(2026, 11, 24, 7), NIGHT, None),
        (berlin(2026, 11, 24, 12), NIGHT, None),
        (berlin(2026, 11, 24, 21, 59), NIGHT, None),
        # A window within one day.
        (berlin(2026, 11, 24, 13, 30), LUNCH, berlin(2026, 11, 24, 14)),
        (berlin(2026, 11, 24, 12, 59), LUNCH, None),
        (berlin(2026, 11, 24, 14), LUNCH, None),
        (berlin(2026, 11, 24, 23), LUNCH, None),
    ],
)
def test_inside_or_not_and_when_it_ends(
    now: datetime, window: tuple[time, time], ends: datetime | None
) -> None:
    got = quiet_until(now.astimezone(UTC), "Europe/Berlin", *window)
    assert got == (ends.astimezone(UTC) if ends else None)
    if got is not None:
        assert got.tzinfo is not None and got > now


def test_the_window_is_read_in_the_members_zone() -> None:
    """23:00 UTC is quiet time in London but 08:00 next morning in Tokyo."""
    now = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
    assert quiet_until(now, "Europe/London", *NIGHT) == datetime(2026, 11, 25, 7, tzinfo=UTC)
    assert quiet_until(now, "Asia/Tokyo", *NIGHT) is None


def test_an_end_in_the_spring_forward_gap_lands_after_it() -> None:
    """Berlin skips 02:00-03:00 on 2027-03-28: a window ending 02:30 ends 03:30 CEST,
    like a reminder at 02:30 (storage.recurrence's policy)."""
    now = berlin(2027, 3, 28, 1, 30).astimezone(UTC)
    ends = quiet_until(now, "Europe/Berlin", time(23), time(2, 30))
    assert ends is not None
    assert ends.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"


def test_the_window_follows_daylight_saving() -> None:
    """07:00 Berlin is 06:00 UTC in winter and 05:00 UTC in summer."""
    winter = quiet_until(datetime(2027, 1, 10, 3, tzinfo=UTC), "Europe/Berlin", *NIGHT)
    summer = quiet_until(datetime(2027, 7, 10, 3, tzinfo=UTC), "Europe/Berlin", *NIGHT)
    assert winter == datetime(2027, 1, 10, 6, tzinfo=UTC)
    assert summer == datetime(2027, 7, 10, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end"), [(None, None), (time(22), None), (None, time(7)), (time(9), time(9))]
)
def test_no_window_is_never_quiet(start: time | None, end: time | None) -> None:
    assert not is_window(start, end)
    assert quiet_until(datetime(2026, 11, 24, 9, tzinfo=UTC), "UTC", start, end) is None


def test_describe() -> None:
    assert describe(time(22), time(7, 30), "Europe/Berlin") == "22:00–07:30 (Europe/Berlin)"
