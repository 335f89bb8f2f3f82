"""The scheduler on a real SQLite file with a fake clock: nothing here sleeps for real."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from careerbot.core.reminders.scheduler import Delivery, DeliveryOutcome, ReminderScheduler
from careerbot.runtime.metrics import METRICS
from storage import MemberPrefs, Reminder, Schedule, Storage, open_storage
from tests.bot.reminders.conftest import FakeTime

MEMBER = 111111111111111111
OTHER = 222222222222222222
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Storage]:
    async with await open_storage(tmp_path / "r.sqlite3") as db:
        yield db


class Recorder:
    """A sender that answers from a script (default: delivered) and records calls."""

    def __init__(
        self, time: FakeTime, *outcomes: DeliveryOutcome | Exception, pause: float = 0
    ) -> None:
        self.time = time
        self.pause = pause
        self.script = list(outcomes)
        self.sent: list[tuple[datetime, Delivery]] = []
        self.delivered: list[tuple[datetime, Delivery]] = []
        self.changed = asyncio.Event()

    async def __call__(self, delivery: Delivery) -> DeliveryOutcome:
        self.sent.append((self.time.now(), delivery))
        self.changed.set()
        await asyncio.sleep(self.pause)  # a real send takes a while
        outcome = self.script.pop(0) if self.script else DeliveryOutcome.DELIVERED
        if isinstance(outcome, Exception):
            raise outcome
        if outcome is DeliveryOutcome.DELIVERED:
            self.delivered.append((self.time.now(), delivery))
        self.changed.set()
        return outcome

    async def until(self, count: int, timeout: float = 5.0) -> None:
        async def wait() -> None:
            while len(self.delivered) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(wait(), timeout)


def scheduler(store: Storage, sender: Recorder, time: FakeTime, **kw: object) -> ReminderScheduler:
    return ReminderScheduler(store, sender, clock=time.now, sleep=time.sleep, **kw)  # type: ignore[arg-type]


async def run_until(s: ReminderScheduler, sender: Recorder, count: int) -> None:
    s.start()
    try:
        await sender.until(count)
    finally:
        await s.stop()


def local(at: datetime) -> str:
    return at.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M %Z")


async def test_daily_0900_berlin_stays_0900_across_both_dst_changes(store: Storage) -> None:
    for start, days in ((datetime(2027, 3, 26, 12, tzinfo=UTC), 4),
                        (datetime(2027, 10, 29, 12, tzinfo=UTC), 4)):  # fmt: skip
        clock = FakeTime(start)
        sender = Recorder(clock)
        reminder = await store.create_reminder(
            MEMBER, Schedule.daily(time(9), tz="Europe/Berlin"), message="study", at=start
        )
        await run_until(scheduler(store, sender, clock), sender, days)
        fired = [local(at) for at, _ in sender.delivered[:days]]
        assert [f[11:16] for f in fired] == ["09:00"] * days, fired
        assert len({f[:10] for f in fired}) == days  # one a day, no day skipped or doubled
        assert all(d.late_since is None for _, d in sender.delivered)
        await store.delete_reminder(reminder.id, member_id=MEMBER)
    # The offsets really changed under the reminders: CET -> CEST and back.
    assert {local(at)[-4:] for at, _ in sender.delivered} == {"CEST", " CET"}


async def test_nonexistent_and_repeated_local_times(store: Storage) -> None:
    """02:30 Berlin: skipped by the clock on 2027-03-28 (fires 03:30 CEST), repeated on
    2027-10-31 (fires once, at the first, CEST)."""
    for start, expected in (
        (datetime(2027, 3, 27, 12, tzinfo=UTC), ["2027-03-28 03:30 CEST", "2027-03-29 02:30 CEST"]),
        (datetime(2027, 10, 30, 12, tzinfo=UTC), ["2027-10-31 02:30 CEST", "2027-11-01 02:30 CET"]),
    ):
        clock = FakeTime(start)
        sender = Recorder(clock)
        reminder = await store.create_reminder(
            MEMBER, Schedule.daily(time(2, 30), tz="Europe/Berlin"), message="x", at=start
        )
        await run_until(scheduler(store, sender, clock), sender, 2)
        assert [local(at) for at, _ in sender.delivered[:2]] == expected
        await store.delete_reminder(reminder.id, member_id=MEMBER)


async def test_quiet_hours_hold_reminders_until_they_end(store: Storage) -> None:
    """Quiet 22:00-07:00 Berlin: a daily 23:00 reminder and a 04:00 one-off arrive at
    07:00, once each, not "late"; a noon reminder and another member's 23:00 reminder
    are untouched; turned off, 23:00 is 23:00 again."""
    start = datetime(2026, 11, 23, 12, tzinfo=UTC)  # Monday 13:00 in Berlin
    await store.set_timezone(MEMBER, "Europe/Berlin", at=start)
    await store.set_preferences(
        MEMBER, MemberPrefs(quiet_start=time(22), quiet_end=time(7)), at=start
    )
    for member, at, message in ((MEMBER, time(23), "night"), (MEMBER, time(12), "noon"),
                                (OTHER, time(23), "other")):  # fmt: skip
        schedule = Schedule.daily(at, tz="Europe/Berlin")
        await store.create_reminder(member, schedule, message=message, at=start)
    one_off = datetime(2026, 11, 24, 4, tzinfo=BERLIN)
    await store.create_reminder(MEMBER, Schedule.once(one_off), message="once", at=start)
    clock = FakeTime(start, auto=False)
    sender = Recorder(clock)
    s = scheduler(store, sender, clock)

    async def at(day: int, hour: int, minute: int = 0) -> list[str]:
        """Dispatch at that Berlin time; the messages sent then."""
        clock.current = datetime(2026, 11, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)
        before = len(sender.sent)
        await s.dispatch_due()
        return sorted(d.reminder.message for _, d in sender.sent[before:])

    assert await at(23, 23) == ["other"]  # Monday night: "night" waits
    assert await at(24, 4) == []  # the one-off waits too
    assert await at(24, 6, 59) == []
    assert await at(24, 7) == ["night", "once"]
    assert await at(24, 12) == ["noon"]
    assert await at(24, 23) == ["other"]
    assert await at(25, 7) == ["night"]
    assert await at(25, 12) == ["noon"]
    assert s.deferred == 3
    assert all(d.late_since is None for _, d in sender.sent)
    await store.set_preferences(MEMBER, MemberPrefs(), at=clock.now())
    assert await at(25, 23) == ["night", "other"]
    assert s.deferred == 3


async def test_one_off_fires_once_on_time(store: Storage) -> None:
    clock = FakeTime(T0)
    sender = Recorder(clock)
    due = T0 + timedelta(hours=2)
    made = await store.create_reminder(MEMBER, Schedule.once(due), message="x", at=T0)
    s = scheduler(store, sender, clock)
    await run_until(s, sender, 1)
    assert [at for at, _ in sender.delivered] == [due]
    assert sender.delivered[0][1].late_since is None
    after = await store.get_reminder(made.id)
    assert after is not None and after.finished and after.last_sent_at == due
    assert await store.next_due_at() is None
    clock.advance(timedelta(days=30))
    assert await s.dispatch_due() == 0


async def test_missed_while_down_one_late_delivery_each(store: Storage) -> None:
    clock = FakeTime(T0)
    once = await store.create_reminder(
        MEMBER, Schedule.once(T0 + timedelta(hours=1)), message="o", at=T0
    )
    daily = await store.create_reminder(MEMBER, Schedule.daily(time(9)), message="d", at=T0)
    # The bot is down for three days: three 09:00 occurrences and the one-off are missed.
    clock.advance(timedelta(days=3, hours=3))
    sender = Recorder(clock)
    s = scheduler(store, sender, clock)
    assert await s.dispatch_due() == 2
    assert await s.dispatch_due() == 0  # no flood: nothing else is due now
    by_id = {d.reminder.id: d for _, d in sender.delivered}
    assert by_id[once.id].late_since == T0 + timedelta(hours=1)
    assert by_id[daily.id].late_since == datetime(2026, 11, 23, 9, tzinfo=UTC)
    again = await store.get_reminder(daily.id)
    assert again is not None
    # The schedule continues from now: tomorrow 09:00, not the missed days.
    assert again.next_due_at == datetime(2026, 11, 26, 9, tzinfo=UTC)


async def test_crash_between_send_and_mark_resends_at_most_once(store: Storage) -> None:
    clock = FakeTime(T0)
    due = T0 + timedelta(minutes=1)
    made = await store.create_reminder(MEMBER, Schedule.once(due), message="x", at=T0)
    clock.current = due
    sent: list[str] = []
    hang = asyncio.Event()

    async def dies_after_sending(delivery: Delivery) -> DeliveryOutcome:
        sent.append("A")
        await hang.wait()  # the process "dies" here: the send happened, the mark did not
        return DeliveryOutcome.DELIVERED

    a = ReminderScheduler(store, dies_after_sending, clock=clock.now, claimer_id="A",
                          lease_seconds=120)  # fmt: skip
    crashed = asyncio.create_task(a.dispatch_due())
    while not sent:
        await asyncio.sleep(0)
    crashed.cancel()
    sender = Recorder(clock)
    b = scheduler(store, sender, clock, claimer_id="B", lease_seconds=120)
    assert await b.dispatch_due() == 0  # A's claim is still live
    clock.advance(timedelta(seconds=121))
    assert await b.dispatch_due() == 1  # the lease expired: one resend
    clock.advance(timedelta(days=1))
    assert await b.dispatch_due() == 0
    assert len(sent) + len(sender.delivered) == 2
    after = await store.get_reminder(made.id)
    assert after is not None and after.finished


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_two_schedulers_on_one_store_never_send_twice(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    path: Path | str = tmp_path / "shared.sqlite3"
    if backend == "postgres":
        path = request.getfixturevalue("pg_server").fresh()
    clock = FakeTime(T0)
    async with await open_storage(path) as one, await open_storage(path) as two:
        for n in range(150):
            await one.create_reminder(
                100_000_000_000_000_000 + n, Schedule.once(T0 + timedelta(minutes=1)),
                message="x", at=T0,
            )  # fmt: skip
        clock.advance(timedelta(minutes=1))
        first, second = Recorder(clock, pause=0.001), Recorder(clock, pause=0.001)
        a = scheduler(one, first, clock, claimer_id="A", batch=10)
        b = scheduler(two, second, clock, claimer_id="B", batch=10)
        await asyncio.gather(a.dispatch_due(), b.dispatch_due())
        ids = [d.reminder.id for _, d in first.sent + second.sent]
        assert len(ids) == len(set(ids)) == 150
        assert first.sent and second.sent  # both really took part
        assert await one.next_due_at() is None


async def test_blocked_dm_and_gone_channel_pause_and_report(store: Storage) -> None:
    clock = FakeTime(T0)
    dm = await store.create_reminder(MEMBER, Schedule.daily(time(11)), message="x", at=T0)
    paused: list[tuple[Reminder, DeliveryOutcome]] = []

    async def note(reminder: Reminder, outcome: DeliveryOutcome) -> None:
        paused.append((reminder, outcome))

    sender = Recorder(clock, DeliveryOutcome.BLOCKED_DM)
    s = scheduler(store, sender, clock, on_paused=note)
    clock.advance(timedelta(hours=1))
    assert await s.dispatch_due() == 1
    assert [(r.id, r.active, o) for r, o in paused] == [(dm.id, False, DeliveryOutcome.BLOCKED_DM)]
    assert await store.next_due_at() is None  # paused: never due until resumed
    clock.advance(timedelta(days=2))
    assert await s.dispatch_due() == 0
    assert s.counts[DeliveryOutcome.BLOCKED_DM] == 1


async def test_errors_and_rate_limits_never_kill_the_loop(store: Storage) -> None:
    clock = FakeTime(T0)
    await store.create_reminder(MEMBER, Schedule.daily(time(11)), message="x", at=T0)
    sender = Recorder(clock, RuntimeError("boom"), DeliveryOutcome.RETRY)
    s = scheduler(store, sender, clock, retry_after=timedelta(minutes=1))
    real = store.next_due_at
    calls = 0

    async def flaky() -> datetime | None:  # storage fails once too
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("disk hiccup")
        return await real()

    store.next_due_at = flaky  # type: ignore[method-assign]
    await run_until(s, sender, 1)
    times = [at for at, _ in sender.sent[:3]]
    # Tried at 11:00, then a minute after each failure, then delivered.
    assert times == [datetime(2026, 11, 22, 11, tzinfo=UTC) + timedelta(minutes=m)
                     for m in (0, 1, 2)]  # fmt: skip


async def test_sleeps_until_the_earliest_due_and_wakes_early_on_change(store: Storage) -> None:
    clock = FakeTime(T0, auto=False)
    await store.create_reminder(
        MEMBER, Schedule.once(T0 + timedelta(minutes=4)), message="late", at=T0
    )
    sender = Recorder(clock)
    s = scheduler(store, sender, clock, max_sleep=3600)
    s.start()
    try:
        while not clock.sleeps:
            await asyncio.sleep(0)
        assert clock.sleeps == [240.0]  # exactly until the earliest due row
        # A sooner reminder is added and its time comes; the sleep never ends by itself.
        await store.create_reminder(
            OTHER, Schedule.once(T0 + timedelta(minutes=1)), message="soon", at=T0
        )
        clock.advance(timedelta(minutes=1))
        s.wake()
        await sender.until(1)
        assert sender.delivered[0][1].reminder.member_id == OTHER
        while len(clock.sleeps) < 2:
            await asyncio.sleep(0)
        assert clock.sleeps[1] == 180.0
    finally:
        await s.stop()
    assert not s.running


async def test_delivered_reminders_are_counted_in_metrics(store: Storage) -> None:
    """``careerbot_reminders_sent_total`` counts deliveries, not retries or blocks."""
    clock = FakeTime(T0, auto=False)
    for member in (MEMBER, OTHER, 333333333333333333):
        await store.create_reminder(
            member, Schedule.once(T0), message="x", at=T0 - timedelta(hours=1)
        )
    sender = Recorder(
        clock, DeliveryOutcome.DELIVERED, DeliveryOutcome.RETRY, DeliveryOutcome.DELIVERED
    )
    before = METRICS.reminders_sent.value()
    assert await scheduler(store, sender, clock).dispatch_due() == 3
    assert METRICS.reminders_sent.value() - before == 2
    assert "careerbot_reminders_sent_total" in METRICS.render()


async def test_stopping_hands_back_claims_whose_send_never_started(store: Storage) -> None:
    clock = FakeTime(T0)
    due = T0 + timedelta(minutes=1)
    made = [
        await store.create_reminder(MEMBER + n, Schedule.once(due), message="x", at=T0)
        for n in range(20)
    ]
    clock.current = due
    started: list[int] = []
    release = asyncio.Event()

    async def slow(delivery: Delivery) -> DeliveryOutcome:
        started.append(delivery.reminder.id)
        await release.wait()
        return DeliveryOutcome.DELIVERED

    s = ReminderScheduler(store, slow, clock=clock.now, claimer_id="A", concurrency=2)
    s.start()
    while len(started) < 2:
        await asyncio.sleep(0.01)
    stopping = asyncio.create_task(s.stop(grace=5))
    await asyncio.sleep(0.05)
    release.set()  # the two sends in flight finish within the grace period
    await stopping
    assert len(started) == 2 and s.handed_back == 18
    for reminder in made:
        after = await store.get_reminder(reminder.id)
        assert after is not None
        if reminder.id in started:
            assert after.finished and after.last_sent_at == due
        else:  # free for another process now, at its own time, not after the lease
            assert (after.claimed_by, after.next_due_at) == (None, due)
    assert await store.due_reminders(due) != []
