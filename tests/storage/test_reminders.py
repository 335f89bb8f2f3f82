"""Reminder lifecycle, limits, and the claim protocol schedulers rely on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest

from storage import (
    InvalidInputError,
    LimitExceededError,
    MemberPrefs,
    NotFoundError,
    ReminderLimits,
    ReminderTarget,
    Schedule,
    Storage,
    open_storage,
)

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)  # a Friday
DAILY_9 = Schedule.daily(time(9), tz="Europe/Berlin")  # 08:00 UTC in March before DST


async def test_create_computes_next_due_and_lists(db: Storage) -> None:
    reminder = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    assert reminder.next_due_at == datetime(2024, 3, 2, 8, tzinfo=UTC)
    assert reminder.active and reminder.target == ReminderTarget()
    assert reminder.schedule == DAILY_9
    assert await db.list_reminders(1) == [reminder]
    assert await db.next_due_at() == reminder.next_due_at


async def test_target_defaults_to_the_members_preference(db: Storage) -> None:
    prefs = MemberPrefs(remind_via="channel", remind_guild_id=10, remind_channel_id=11)
    await db.set_preferences(1, prefs, at=T0)
    reminder = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    assert reminder.target == ReminderTarget("channel", 10, 11)
    explicit = await db.create_reminder(1, DAILY_9, message="dm me", target=ReminderTarget(), at=T0)
    assert explicit.target.via == "dm"
    with pytest.raises(InvalidInputError, match="channel"):
        await db.create_reminder(1, DAILY_9, message="x", target=ReminderTarget("channel"), at=T0)


async def test_active_limit_counts_only_active_scheduled_reminders(db_location: str) -> None:
    limits = ReminderLimits(max_active_per_member=2)
    async with await open_storage(db_location, limits=limits) as db:
        first = await db.create_reminder(1, DAILY_9, message="a", at=T0)
        await db.create_reminder(1, DAILY_9, message="b", at=T0)
        with pytest.raises(LimitExceededError, match="already have 2 active reminders"):
            await db.create_reminder(1, DAILY_9, message="c", at=T0)
        await db.create_reminder(2, DAILY_9, message="other member", at=T0)  # per member
        await db.pause_reminder(first.id, member_id=1, at=T0)
        third = await db.create_reminder(1, DAILY_9, message="c", at=T0)
        with pytest.raises(LimitExceededError):
            await db.resume_reminder(first.id, member_id=1, at=T0)
        await db.delete_reminder(third.id, member_id=1)
        resumed = await db.resume_reminder(first.id, member_id=1, at=T0)
        assert resumed.active and resumed.next_due_at is not None


async def test_pause_resume_does_not_replay_missed_occurrences(db: Storage) -> None:
    reminder = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    paused = await db.pause_reminder(reminder.id, member_id=1, at=T0)
    assert (paused.active, paused.next_due_at) == (False, None)
    assert await db.due_reminders(T0 + timedelta(days=5)) == []
    resumed = await db.resume_reminder(reminder.id, member_id=1, at=T0 + timedelta(days=5))
    assert resumed.next_due_at == datetime(2024, 3, 7, 8, tzinfo=UTC)


async def test_one_off_fires_once_then_is_finished(db: Storage) -> None:
    when = T0 + timedelta(hours=2)
    reminder = await db.create_reminder(1, Schedule.once(when), message="call", at=T0)
    assert reminder.next_due_at == when
    assert [r.id for r in await db.due_reminders(when)] == [reminder.id]
    sent = await db.mark_sent(reminder.id, when + timedelta(seconds=3))
    assert sent is not None and sent.finished and sent.last_sent_at == when + timedelta(seconds=3)
    assert await db.due_reminders(when + timedelta(days=365)) == []
    assert await db.list_reminders(1) == []
    assert [r.id for r in await db.list_reminders(1, include_finished=True)] == [reminder.id]


async def test_update_and_ownership(db: Storage) -> None:
    reminder = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    with pytest.raises(NotFoundError, match=f"no reminder #{reminder.id}"):
        await db.update_reminder(reminder.id, member_id=2, message="hijack", at=T0)
    with pytest.raises(NotFoundError):
        await db.delete_reminder(reminder.id, member_id=2)
    renamed = await db.update_reminder(reminder.id, member_id=1, message="read", at=T0)
    assert (renamed.message, renamed.next_due_at) == ("read", reminder.next_due_at)
    weekly = Schedule.weekly([0], time(18), tz="America/New_York")
    moved = await db.update_reminder(reminder.id, member_id=1, schedule=weekly, at=T0)
    assert moved.next_due_at == datetime(2024, 3, 4, 23, tzinfo=UTC)  # Monday 18:00 EST
    await db.delete_reminder(reminder.id, member_id=1)
    assert await db.get_reminder(reminder.id) is None


async def test_reminders_follow_the_member_to_a_new_time_zone(db: Storage) -> None:
    await db.set_timezone(1, "Europe/Berlin", at=T0)
    reminder = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    fixed = await db.create_reminder(
        1, Schedule.daily(time(9), tz="Asia/Tokyo"), message="tokyo", at=T0
    )
    await db.set_timezone(1, "America/New_York", at=T0)
    moved = await db.get_reminder(reminder.id)
    assert moved is not None and moved.schedule.tz == "America/New_York"
    assert moved.next_due_at == datetime(2024, 3, 1, 14, tzinfo=UTC)  # 09:00 EST today
    assert await db.get_reminder(fixed.id) == fixed  # a deliberately different zone stays


async def test_mark_sent_schedules_strictly_after_and_skips_downtime(db: Storage) -> None:
    reminder = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    due = reminder.next_due_at
    assert due is not None
    # The bot was down for three days: one catch-up send, then back on schedule.
    late = due + timedelta(days=3, hours=1)
    assert [r.id for r in await db.due_reminders(late)] == [reminder.id]
    sent = await db.mark_sent(reminder.id, late)
    assert sent is not None and sent.next_due_at == datetime(2024, 3, 6, 8, tzinfo=UTC)
    assert await db.due_reminders(late) == []
    # Marking again without a due occurrence does nothing.
    assert await db.mark_sent(reminder.id, late) is None


async def test_claims_never_hand_the_same_occurrence_to_two_storages(db_location: str) -> None:
    first, second = await open_storage(db_location), await open_storage(db_location)
    try:
        for member in range(1, 41):
            for hour in (9, 18):
                schedule = Schedule.daily(time(hour), tz="UTC")
                await first.create_reminder(member, schedule, message="m", at=T0)
        now = T0 + timedelta(days=1)  # 18:00 on the 1st and 09:00 on the 2nd: all 80 due
        due = await first.due_reminders(now, limit=1_000)
        assert len(due) == 80

        async def drain(db: Storage, name: str) -> list[int]:
            taken: list[int] = []
            while batch := await db.claim_due(now, name, lease_seconds=60, limit=7):
                taken += [r.id for r in batch]
                await asyncio.sleep(0)
            return taken

        a, b = await asyncio.gather(drain(first, "proc-a"), drain(second, "proc-b"))
        assert not set(a) & set(b)
        assert sorted(a + b) == sorted(r.id for r in due)
        assert await first.due_reminders(now) == []  # claimed ones are not due
        assert await first.next_due_at() == now + timedelta(seconds=60)  # lease expiry
    finally:
        await first.close()
        await second.close()


async def test_a_crashed_claimer_causes_at_most_one_resend_after_the_lease(db: Storage) -> None:
    reminder = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    due = reminder.next_due_at
    assert due is not None
    (claimed,) = await db.claim_due(due, "crashed", lease_seconds=300)
    assert (claimed.claimed_by, claimed.next_due_at) == ("crashed", due)
    assert claimed.claim_expires_at == due + timedelta(seconds=300)
    # While the lease runs nobody else gets it...
    assert await db.claim_due(due + timedelta(seconds=299), "other") == []
    # ...after it, exactly one other claimer does, for the same occurrence.
    (again,) = await db.claim_due(due + timedelta(seconds=300), "other", lease_seconds=300)
    assert (again.claimed_by, again.next_due_at) == ("other", due)
    # The crashed claimer coming back cannot mark it: its claim is gone.
    assert (
        await db.mark_sent(reminder.id, due + timedelta(seconds=301), claimer_id="crashed") is None
    )
    sent = await db.mark_sent(reminder.id, due + timedelta(seconds=302), claimer_id="other")
    assert sent is not None and sent.claimed_by is None
    assert sent.next_due_at == due + timedelta(days=1)
    assert await db.claim_due(due + timedelta(hours=23), "third") == []


async def test_mark_sent_from_the_claimed_row_matches_reading_it_first(db: Storage) -> None:
    daily = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    once = await db.create_reminder(2, Schedule.once(T0 + timedelta(hours=2)), message="x", at=T0)
    read_first = await db.create_reminder(3, DAILY_9, message="study", at=T0)
    due = T0 + timedelta(days=1)
    claimed = {r.id: r for r in await db.claim_due(due, "w")}
    late = due + timedelta(minutes=7)
    sent = await db.mark_sent(daily.id, late, claimer_id="w", claimed=claimed[daily.id])
    finished = await db.mark_sent(once.id, late, claimer_id="w", claimed=claimed[once.id])
    reference = await db.mark_sent(read_first.id, late, claimer_id="w")
    assert sent is not None and reference is not None and finished is not None
    assert (sent.next_due_at, sent.last_sent_at, sent.claimed_by) == (
        reference.next_due_at,
        reference.last_sent_at,
        None,
    )
    assert finished.next_due_at is None and finished.finished
    assert await db.claim_due(due + timedelta(hours=1), "w") == []


async def test_mark_sent_from_a_claim_that_changed_meanwhile_records_nothing(db: Storage) -> None:
    """The no-read path relies on every relevant change replacing the claim."""
    rescheduled = await db.create_reminder(1, DAILY_9, message="a", at=T0)
    paused = await db.create_reminder(2, DAILY_9, message="b", at=T0)
    taken_over = await db.create_reminder(3, DAILY_9, message="c", at=T0)
    due = T0 + timedelta(days=1)
    claimed = {r.id: r for r in await db.claim_due(due, "w", lease_seconds=300)}
    evening = Schedule.daily(time(20), tz="Europe/Berlin")
    moved = await db.update_reminder(rescheduled.id, member_id=1, schedule=evening, at=due)
    await db.pause_reminder(paused.id, member_id=2, at=due)
    (again,) = await db.claim_due(due + timedelta(seconds=300), "other")
    assert again.id == taken_over.id
    after = due + timedelta(seconds=301)
    for reminder_id in (rescheduled.id, paused.id, taken_over.id):
        stale = claimed[reminder_id]
        assert await db.mark_sent(reminder_id, after, claimer_id="w", claimed=stale) is None
    assert (await db.get_reminder(rescheduled.id)) == moved  # the new schedule stands
    still_paused = await db.get_reminder(paused.id)
    assert still_paused is not None and not still_paused.active
    held = await db.get_reminder(taken_over.id)
    assert held is not None and held.claimed_by == "other"
    with pytest.raises(ValueError):
        await db.mark_sent(paused.id, after, claimer_id="w", claimed=claimed[taken_over.id])


async def test_release_claim_makes_it_due_again(db: Storage) -> None:
    reminder = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    due = reminder.next_due_at
    assert due is not None
    await db.claim_due(due, "w")
    assert not await db.release_claim(reminder.id, "someone-else")
    retry = due + timedelta(minutes=5)
    assert await db.release_claim(reminder.id, "w", retry_at=retry)
    assert await db.due_reminders(retry - timedelta(seconds=1)) == []
    (again,) = await db.claim_due(retry, "w")
    assert again.next_due_at == retry  # the occurrence was postponed to the retry time
    sent = await db.mark_sent(reminder.id, retry, claimer_id="w")
    assert sent is not None and sent.next_due_at == due + timedelta(days=1)


async def test_pausing_a_claimed_reminder_cancels_the_pending_send(db: Storage) -> None:
    reminder = await db.create_reminder(1, DAILY_9, message="study", at=T0)
    due = reminder.next_due_at
    assert due is not None
    await db.claim_due(due, "w")
    await db.pause_reminder(reminder.id, member_id=1, at=due)
    assert await db.mark_sent(reminder.id, due, claimer_id="w") is None
    assert await db.next_due_at() is None


async def test_rescheduling_a_finished_one_off_counts_against_the_limit(db_location: str) -> None:
    limits = ReminderLimits(max_active_per_member=1)
    async with await open_storage(db_location, limits=limits) as db:
        when = T0 + timedelta(hours=1)
        once = await db.create_reminder(1, Schedule.once(when), message="once", at=T0)
        await db.mark_sent(once.id, when)
        await db.create_reminder(1, DAILY_9, message="daily", at=T0)
        later = Schedule.once(T0 + timedelta(days=2))
        with pytest.raises(LimitExceededError):
            await db.update_reminder(once.id, member_id=1, schedule=later, at=T0)
