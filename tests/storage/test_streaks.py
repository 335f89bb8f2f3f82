"""Streaks count local days in the member's own zone, and repeats do not inflate them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from storage import Storage
from storage.streaks import StreakState, advance, current_as_of, from_days

AUCKLAND = 111
LOS_ANGELES = 222


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_advance_rules() -> None:
    d = date(2024, 5, 1)
    state = advance(StreakState(), d)
    assert state == StreakState(1, 1, d)
    assert advance(state, d) == state  # same day again: no inflation
    state = advance(advance(state, d + timedelta(days=1)), d + timedelta(days=2))
    assert state == StreakState(3, 3, d + timedelta(days=2))
    assert advance(state, d) == state  # an older day never rewrites the streak
    broken = advance(state, d + timedelta(days=4))
    assert broken == StreakState(1, 3, d + timedelta(days=4))


def test_streak_is_alive_until_a_whole_local_day_passes() -> None:
    state = StreakState(4, 6, date(2024, 5, 10))
    assert current_as_of(state, date(2024, 5, 10)) == 4
    assert current_as_of(state, date(2024, 5, 11)) == 4  # today is still open
    assert current_as_of(state, date(2024, 5, 12)) == 0
    assert current_as_of(StreakState(), date(2024, 5, 12)) == 0


def test_incremental_equals_recomputed_for_random_day_sets() -> None:
    rng = random.Random(7)
    for _ in range(200):
        days = [date(2024, 1, 1) + timedelta(days=rng.randrange(40)) for _ in range(25)]
        state = StreakState()
        for day in sorted(days):
            state = advance(state, day)
        assert state == from_days(days)


async def test_same_utc_instants_make_different_streaks_in_auckland_and_los_angeles(
    db: Storage,
) -> None:
    await db.set_timezone(AUCKLAND, "Pacific/Auckland", at=utc(2024, 5, 1))
    await db.set_timezone(LOS_ANGELES, "America/Los_Angeles", at=utc(2024, 5, 1))
    # 10:00 and 23:00 UTC on May 1st: in Auckland (UTC+12) that is 22:00 on May 1st and
    # 11:00 on May 2nd, two local days; in Los Angeles (UTC-7) 03:00 and 16:00 on May 1st.
    for member in (AUCKLAND, LOS_ANGELES):
        await db.set_progress(member, "python", "python/a", "learning", at=utc(2024, 5, 1, 10))
        await db.set_progress(member, "python", "python/a", "done", at=utc(2024, 5, 1, 23))
    auckland = await db.get_streak(AUCKLAND, at=utc(2024, 5, 1, 23, 30))
    los_angeles = await db.get_streak(LOS_ANGELES, at=utc(2024, 5, 1, 23, 30))
    assert (auckland.current, auckland.last_active_day) == (2, date(2024, 5, 2))
    assert (los_angeles.current, los_angeles.last_active_day) == (1, date(2024, 5, 1))
    assert auckland.today == date(2024, 5, 2) and los_angeles.today == date(2024, 5, 1)
    assert await db.activity_days(AUCKLAND) == [date(2024, 5, 2), date(2024, 5, 1)]
    assert await db.activity_days(LOS_ANGELES) == [date(2024, 5, 1)]


async def test_local_midnight_not_utc_midnight_ends_the_day(db: Storage) -> None:
    await db.set_timezone(LOS_ANGELES, "America/Los_Angeles", at=utc(2024, 5, 1))
    # 20:00 PDT on May 1st is 03:00 UTC on May 2nd: still May 1st for the member.
    await db.record_activity(LOS_ANGELES, at=utc(2024, 5, 2, 3))
    streak = await db.record_activity(LOS_ANGELES, at=utc(2024, 5, 2, 18))  # 11:00 May 2nd
    assert (streak.current, streak.longest) == (2, 2)
    # Still alive all of May 3rd in Los Angeles, gone on May 4th.
    assert (await db.get_streak(LOS_ANGELES, at=utc(2024, 5, 4, 6))).current == 2
    assert (await db.get_streak(LOS_ANGELES, at=utc(2024, 5, 4, 8))).current == 0


async def test_repeating_actions_in_a_day_does_not_inflate(db: Storage) -> None:
    for hour in range(0, 24, 2):
        await db.record_activity(AUCKLAND, at=utc(2024, 5, 1, hour))
    for minute in range(0, 60, 5):
        await db.set_progress(
            AUCKLAND, "python", f"python/{minute}", "done", at=utc(2024, 5, 2, 0, minute)
        )
    streak = await db.get_streak(AUCKLAND, at=utc(2024, 5, 2, 1))
    assert (streak.current, streak.longest) == (2, 2)


async def test_skipping_is_not_activity_and_a_gap_resets_but_keeps_longest(db: Storage) -> None:
    member = 333
    for day in (1, 2, 3):
        await db.set_progress(member, "ml", f"ml/{day}", "done", at=utc(2024, 6, day, 12))
    await db.set_progress(member, "ml", "ml/4", "skipped", at=utc(2024, 6, 4, 12))
    streak = await db.get_streak(member, at=utc(2024, 6, 5, 12))
    assert (streak.current, streak.longest) == (0, 3)
    streak = await db.record_activity(member, at=utc(2024, 6, 6, 12))
    assert (streak.current, streak.longest, streak.last_active_day) == (1, 3, date(2024, 6, 6))
    assert len(await db.activity_days(member)) == 4


async def test_unknown_member_has_no_streak(db: Storage) -> None:
    streak = await db.get_streak(999, at=utc(2024, 6, 5, 12))
    assert (streak.current, streak.longest, streak.last_active_day) == (0, 0, None)
