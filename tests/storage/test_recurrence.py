"""Next-due computation across real daylight-saving dates (Europe/Berlin, America/New_York)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from storage import InvalidInputError, LimitExceededError, ReminderLimits, Schedule
from storage.limits import check_schedule
from storage.recurrence import min_gap_minutes, next_due

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fires(schedule: Schedule, start: datetime, count: int) -> list[datetime]:
    result: list[datetime] = []
    after = start
    for _ in range(count):
        due = next_due(schedule, after)
        assert due is not None
        result.append(due)
        after = due
    return result


def test_daily_0900_berlin_stays_0900_local_on_both_sides_of_spring_forward() -> None:
    schedule = Schedule.daily(time(9), tz="Europe/Berlin")
    got = fires(schedule, utc(2024, 3, 29, 12), 3)
    # CET is UTC+1 until 2024-03-31 02:00, CEST UTC+2 after.
    assert got == [utc(2024, 3, 30, 8), utc(2024, 3, 31, 7), utc(2024, 4, 1, 7)]
    assert all(d.astimezone(BERLIN).time() == time(9) for d in got)


def test_daily_0900_berlin_stays_0900_local_on_both_sides_of_fall_back() -> None:
    schedule = Schedule.daily(time(9), tz="Europe/Berlin")
    got = fires(schedule, utc(2024, 10, 25, 12), 3)
    assert got == [utc(2024, 10, 26, 7), utc(2024, 10, 27, 8), utc(2024, 10, 28, 8)]
    assert all(d.astimezone(BERLIN).time() == time(9) for d in got)


def test_nonexistent_time_fires_after_the_gap_berlin() -> None:
    # 2024-03-31: Berlin clocks jump 02:00 -> 03:00, so 02:30 does not exist.
    schedule = Schedule.daily(time(2, 30), tz="Europe/Berlin")
    got = fires(schedule, utc(2024, 3, 29, 12), 3)
    assert got == [utc(2024, 3, 30, 1, 30), utc(2024, 3, 31, 1, 30), utc(2024, 4, 1, 0, 30)]
    spring_day = got[1].astimezone(BERLIN)
    assert (spring_day.date(), spring_day.time()) == (date(2024, 3, 31), time(3, 30))


def test_nonexistent_time_fires_after_the_gap_new_york() -> None:
    # 2024-03-10: New York clocks jump 02:00 -> 03:00.
    schedule = Schedule.daily(time(2, 30), tz="America/New_York")
    due = next_due(schedule, utc(2024, 3, 10, 0))
    assert due == utc(2024, 3, 10, 7, 30)
    assert due is not None and due.astimezone(NEW_YORK).time() == time(3, 30)


def test_ambiguous_time_fires_once_at_first_occurrence_berlin() -> None:
    # 2024-10-27: Berlin clocks go back 03:00 -> 02:00, so 02:30 happens twice.
    schedule = Schedule.daily(time(2, 30), tz="Europe/Berlin")
    got = fires(schedule, utc(2024, 10, 26, 0), 3)
    assert got == [utc(2024, 10, 26, 0, 30), utc(2024, 10, 27, 0, 30), utc(2024, 10, 28, 1, 30)]
    assert utc(2024, 10, 27, 1, 30) not in got  # the second 02:30 (CET) is skipped


def test_ambiguous_time_fires_once_at_first_occurrence_new_york() -> None:
    # 2024-11-03: New York clocks go back 02:00 -> 01:00, so 01:30 happens twice.
    schedule = Schedule.daily(time(1, 30), tz="America/New_York")
    first = next_due(schedule, utc(2024, 11, 3, 0))
    assert first == utc(2024, 11, 3, 5, 30)  # 01:30 EDT (UTC-4), not 06:30 (EST)
    assert next_due(schedule, first) == utc(2024, 11, 4, 6, 30)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_every_local_day_gets_each_time_exactly_once_for_two_years(zone: str) -> None:
    times = (time(1, 30), time(2, 30), time(9, 0))  # 01:30 and 02:30 hit the DST edges
    schedule = Schedule.daily(*times, tz=zone)
    start = utc(2023, 1, 1)
    got = fires(schedule, start, 731 * len(times))
    assert all(b > a for a, b in pairwise(got))
    per_day = Counter(d.astimezone(ZoneInfo(zone)).date() for d in got)
    first = min(per_day) + timedelta(days=1)  # the first and last days are partial
    days = [first + timedelta(days=n) for n in range(725)]
    assert {day: per_day[day] for day in days} == dict.fromkeys(days, len(times))


def test_weekly_picks_the_next_chosen_weekday() -> None:
    # Monday and Thursday 18:00 in New York; 2024-06-04 is a Tuesday.
    schedule = Schedule.weekly([0, 3], time(18), tz="America/New_York")
    got = fires(schedule, utc(2024, 6, 4, 12), 3)
    local = [d.astimezone(NEW_YORK) for d in got]
    assert [d.date() for d in local] == [date(2024, 6, 6), date(2024, 6, 10), date(2024, 6, 13)]
    assert all(d.time() == time(18) for d in local)


def test_once_fires_only_strictly_after() -> None:
    at = utc(2024, 5, 1, 10)
    schedule = Schedule.once(at)
    assert next_due(schedule, at - timedelta(seconds=1)) == at
    assert next_due(schedule, at) is None


def test_min_gap_counts_across_midnight_and_weeks() -> None:
    assert min_gap_minutes(Schedule.daily(time(9), time(10))) == 60
    assert min_gap_minutes(Schedule.daily(time(0, 10), time(23, 30))) == 40
    assert min_gap_minutes(Schedule.weekly([0], time(0, 10), time(23, 30))) == 23 * 60 + 20
    assert min_gap_minutes(Schedule.weekly([2], time(9))) == 7 * 24 * 60
    assert min_gap_minutes(Schedule.once(utc(2030, 1, 1))) is None


def test_schedule_limits() -> None:
    limits, now = ReminderLimits(), utc(2024, 1, 1)
    check_schedule(Schedule.daily(time(9), time(10)), limits, now)  # exactly hourly: fine
    with pytest.raises(LimitExceededError, match="at most once every 60 minutes"):
        check_schedule(Schedule.daily(time(9), time(9, 30)), limits, now)
    with pytest.raises(LimitExceededError):
        check_schedule(Schedule.daily(time(0, 10), time(23, 30)), limits, now)
    with pytest.raises(InvalidInputError, match="in the future"):
        check_schedule(Schedule.once(now - timedelta(minutes=1)), limits, now)
    with pytest.raises(InvalidInputError, match="unknown time zone"):
        check_schedule(Schedule.daily(time(9), tz="Mars/Olympus_Mons"), limits, now)
    with pytest.raises(InvalidInputError, match="weekdays"):
        check_schedule(Schedule.weekly([7], time(9)), limits, now)
    with pytest.raises(InvalidInputError, match="whole minutes"):
        check_schedule(Schedule.daily(time(9, 0, 30)), limits, now)
    with pytest.raises(InvalidInputError, match="at least one time"):
        check_schedule(Schedule.daily(), limits, now)
