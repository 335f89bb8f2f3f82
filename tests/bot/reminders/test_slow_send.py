"""One member's reminder hanging in Discord must not hold up anyone else's.

The live scheduler of the real bot, real time, and a fake Discord that never answers
the POST to one member's DM channel (discord.py would wait up to 300 s for it).
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from careerbot.core.reminders.scheduler import DeliveryOutcome
from careerbot.runtime.metrics import METRICS
from storage import Schedule
from tests.bot.conftest import CareerHarness


def true(condition: Callable[[], bool]) -> Callable[[], bool | None]:
    """``condition`` for ``wait_until``, which waits for anything but ``None``."""
    return lambda: True if condition() else None


async def test_a_hung_send_never_delays_other_members_reminders(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    alice, bob, carol = fake.member, fake.add_user("bob"), fake.add_user("carol")
    alice_dm = fake.dm_channel(alice)
    hang = fake.stall(
        "POST", "/channels/{id}/messages", lambda r: r.path == f"/channels/{alice_dm.id}/messages"
    )
    bot = await careerbot.start()
    scheduler: Any = bot.get_cog("Reminders").scheduler  # type: ignore[union-attr]
    scheduler.send_timeout = 1.5
    sent_before = METRICS.reminders_sent.value()
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        created = now - timedelta(minutes=1)
        # Alice's and Bob's are due now, in one batch; Carol's two seconds later, while
        # Alice's send still hangs (the probe saw such reminders go out 76 s late).
        stuck = await db.create_reminder(alice.id, Schedule.once(now), message="alice", at=created)
        await db.create_reminder(bob.id, Schedule.once(now), message="bob", at=created)
        carol_due = now + timedelta(seconds=2)
        await db.create_reminder(carol.id, Schedule.once(carol_due), message="carol", at=created)
        scheduler.wake()

        started = clock.monotonic()
        assert "bob" in (await fake.wait_for_dm(bob))["content"]
        assert clock.monotonic() - started < 1.0
        await fake.wait_until(true(lambda: hang.waiting == 1), what="alice's send to hang")
        carol_message = await fake.wait_for_dm(carol, timeout=4.0)
        assert "carol" in carol_message["content"]
        late = datetime.now(UTC) - carol_due
        assert late < timedelta(seconds=1.5), f"carol's reminder was {late} late"

        # Alice's send is given up after its own timeout: retried a minute later, not lost.
        await fake.wait_until(
            true(lambda: scheduler.counts[DeliveryOutcome.RETRY] == 1),
            timeout=3.0,
            what="a timeout",
        )
        await fake.wait_until(true(lambda: scheduler.in_flight == 0), what="the retry recorded")
        retry = await db.get_reminder(stuck.id)
        assert retry is not None and retry.next_due_at is not None and not retry.finished
        assert retry.claimed_by is None
        assert timedelta(seconds=30) < retry.next_due_at - datetime.now(UTC) <= timedelta(minutes=1)
        await fake.wait_until(
            true(lambda: scheduler.counts[DeliveryOutcome.DELIVERED] == 2),
            what="both sends recorded",
        )
        assert METRICS.reminders_sent.value() - sent_before == 2
    finally:
        hang.release()
