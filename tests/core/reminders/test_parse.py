"""The phrasings members type, read with a fixed clock (no Discord)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from careerbot.core.reminders.parse import ParseError, parse_days, parse_time, parse_when
from storage import Schedule

#: Sunday 2026-11-22 10:00 UTC = 11:00 in Berlin.
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:00", time(18)),
        ("9am", time(9)),
        ("9 AM", time(9)),
        ("9:30 pm", time(21, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("7.15", time(7, 15)),
        ("at 9", time(9)),
        ("noon", time(12)),
        ("21h30", time(21, 30)),
    ],
)
def test_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "13pm", "9:75", "soon", ""])
def test_bad_times(text: str) -> None:
    with pytest.raises(ParseError):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon,wed,fri", {0, 2, 4}),
        ("Mon, Wed and Fri", {0, 2, 4}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("weekends", {5, 6}),
        ("daily", set(range(7))),
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("fri-mon", {4, 5, 6, 0}),
        ("tuesday thursday", {1, 3}),
        ("mondays", {0}),
    ],
)
def test_days(text: str, expected: set[int]) -> None:
    assert parse_days(text) == frozenset(expected)


def test_bad_day_names_the_word() -> None:
    with pytest.raises(ParseError, match="'funday'"):
        parse_days("mon,funday")


@pytest.mark.parametrize(
    ("when", "delta"),
    [
        ("in 2 hours", timedelta(hours=2)),
        ("in 30m", timedelta(minutes=30)),
        ("in 1h30m", timedelta(hours=1, minutes=30)),
        ("in an hour", timedelta(hours=1)),
        ("In 2 days", timedelta(days=2)),
        ("in 1 hour and 15 minutes", timedelta(hours=1, minutes=15)),
    ],
)
def test_relative_one_offs(when: str, delta: timedelta) -> None:
    assert parse_when(when, None, tz=BERLIN, now=NOW) == Schedule.once(NOW + delta)


def test_tomorrow_is_local() -> None:
    # 18:00 in Berlin (UTC+1 in November) is 17:00 UTC.
    got = parse_when("tomorrow 18:00", None, tz=BERLIN, now=NOW)
    assert got == Schedule.once(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))


def test_tomorrow_crosses_the_local_date_not_utc() -> None:
    # 23:30 UTC on the 22nd is already the 23rd in Tokyo: "tomorrow" is the 24th there.
    late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    got = parse_when("tomorrow 9am", None, tz="Asia/Tokyo", now=late)
    assert got.at == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


def test_absolute_date_and_default_time() -> None:
    got = parse_when("2026-12-01 09:00", None, tz=BERLIN, now=NOW)
    assert got.at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert parse_when("2026-12-01", None, tz=BERLIN, now=NOW) == got


def test_one_off_in_the_spring_gap_fires_after_it() -> None:
    # Berlin skips 02:00-03:00 on 2027-03-28: 02:30 fires at 03:30 CEST = 01:30 UTC.
    got = parse_when("2027-03-28 02:30", None, tz=BERLIN, now=NOW)
    assert got.at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_one_off_in_the_fall_overlap_fires_at_the_first() -> None:
    # 02:30 happens twice on 2027-10-31 in Berlin: the first is CEST (UTC+2).
    got = parse_when("2027-10-31 02:30", None, tz=BERLIN, now=NOW)
    assert got.at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("today 08:00", "already passed"),
        ("2020-01-01 09:00", "already passed"),
        ("2026-02-30", "not a real date"),
        ("2099-01-01", "two years"),
        ("whenever", "couldn't understand"),
        ("in 3 fortnights", "unit"),
        ("", "When should I remind you"),
    ],
)
def test_clear_refusals(when: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_when(when, None, tz=BERLIN, now=NOW)


def test_days_with_a_one_off_is_refused() -> None:
    with pytest.raises(ParseError, match="repeating"):
        parse_when("tomorrow 9am", "mon", tz=BERLIN, now=NOW)


def test_bare_time_repeats_daily_in_the_members_zone() -> None:
    assert parse_when("9am", None, tz=BERLIN, now=NOW) == Schedule.daily(time(9), tz=BERLIN)


def test_days_option_makes_it_weekly() -> None:
    got = parse_when("18:00", "mon,wed,fri", tz=BERLIN, now=NOW)
    assert got == Schedule.weekly([0, 2, 4], time(18), tz=BERLIN)


def test_every_prefix_and_several_times() -> None:
    got = parse_when("every weekday at 9am, 6pm", None, tz="UTC", now=NOW)
    assert got == Schedule.weekly(range(5), time(9), time(18), tz="UTC")
    assert parse_when("daily 07:30", None, tz="UTC", now=NOW) == Schedule.daily(time(7, 30))
    assert parse_when("every day 07:30", None, tz="UTC", now=NOW) == Schedule.daily(time(7, 30))
    assert parse_when("09:00", "daily", tz="UTC", now=NOW) == Schedule.daily(time(9))
