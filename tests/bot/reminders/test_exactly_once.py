"""A reminder resent after a crash is seen once: the occurrence's nonce, end to end.

The first scheduler posts the reminder and "dies" before ``mark_sent``; once its lease
has run out a second scheduler (another process, say) claims the same occurrence and
sends it again through the bot's real sender. Discord (the fake, which keeps nonces as
Discord does for a few minutes) answers with the message already posted.
"""

from __future__ import annotations

import asyncio
from datetime import time, timedelta
from typing import Any

from careerbot.core.reminders.scheduler import (
    LEASE_SECONDS,
    Delivery,
    DeliveryOutcome,
    ReminderScheduler,
)
from storage import ReminderTarget, Schedule
from tests.bot.conftest import CareerHarness
from tests.fakediscord.sharding import NONCE_WINDOW


async def test_a_resend_after_a_crash_is_one_message(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    bot = await careerbot.start()
    cog: Any = bot.get_cog("Reminders")
    await cog.scheduler.stop()  # this test drives the schedulers itself
    due = cog.scheduler.clock().replace(microsecond=0) + timedelta(minutes=1)
    channel = ReminderTarget("channel", fake.guild.id, fake.channel.id)
    reminders = [
        await db.create_reminder(fake.member.id, Schedule.once(due), message="practise"),
        await db.create_reminder(
            fake.moderator.id, Schedule.once(due), message="review", target=channel
        ),
    ]
    sent: list[int] = []
    died = asyncio.Event()

    async def sends_then_dies(delivery: Delivery) -> DeliveryOutcome:
        await cog.send(delivery)  # really posted
        sent.append(delivery.reminder.id)
        if len(sent) == len(reminders):
            died.set()
        await asyncio.Event().wait()  # the process dies before mark_sent
        return DeliveryOutcome.DELIVERED

    first = ReminderScheduler(db, sends_then_dies, clock=lambda: due, claimer_id="first")
    crashed = asyncio.create_task(first.dispatch_due())
    await asyncio.wait_for(died.wait(), 10)
    crashed.cancel()

    later = due + timedelta(seconds=LEASE_SECONDS + 1)
    second = ReminderScheduler(db, cog.send, clock=lambda: later, claimer_id="second")
    assert await second.dispatch_due() == 2  # the leases ran out: both sent again
    assert second.counts[DeliveryOutcome.DELIVERED] == 2

    assert len(fake.dms_to(fake.member)) == 1
    assert len(fake.bot_messages(fake.channel)) == 1
    assert fake.nonces.hits == 2
    posts = fake.requests_matching("POST", "/channels/{id}/messages")
    assert len(posts) == 4 and all(p.json["enforce_nonce"] for p in posts)
    for reminder in reminders:
        after = await db.get_reminder(reminder.id)
        assert after is not None and after.finished  # marked sent by the second
    assert LEASE_SECONDS < NONCE_WINDOW


async def test_a_retry_of_a_send_that_did_reach_discord_is_one_message(
    careerbot: CareerHarness,
) -> None:
    """A send whose answer never came back (a timeout) is given back due a minute later,
    which moves its due time; the retry must still carry the same nonce."""
    fake, db = careerbot.fake, careerbot.db
    bot = await careerbot.start()
    cog: Any = bot.get_cog("Reminders")
    await cog.scheduler.stop()  # this test drives the scheduler itself
    reminder = await db.create_reminder(
        fake.member.id, Schedule.daily(time(9), tz="UTC"), message="practise"
    )
    due = reminder.next_due_at
    assert due is not None
    moment = [due]

    async def posted_but_timed_out(delivery: Delivery) -> DeliveryOutcome:
        await cog.send(delivery)  # Discord posted it; the bot never heard back
        return DeliveryOutcome.RETRY

    first = ReminderScheduler(db, posted_but_timed_out, clock=lambda: moment[0], claimer_id="a")
    assert await first.dispatch_due() == 1
    assert first.counts[DeliveryOutcome.RETRY] == 1
    moment[0] = due + first.retry_after
    again = ReminderScheduler(db, cog.send, clock=lambda: moment[0], claimer_id="a")
    assert await again.dispatch_due() == 1
    assert again.counts[DeliveryOutcome.DELIVERED] == 1
    assert len(fake.dms_to(fake.member)) == 1 and fake.nonces.hits == 1
    # The next day's occurrence is a new message.
    moment[0] = due + timedelta(days=1)
    assert await again.dispatch_due() == 1
    assert len(fake.dms_to(fake.member)) == 2


def test_the_nonce_fits_discords_25_characters_and_names_the_occurrence() -> None:
    from datetime import UTC, datetime

    from storage import Reminder

    due = datetime(2286, 11, 20, 17, 46, 39, tzinfo=UTC)  # Unix time 9,999,999,999
    reminder = Reminder(
        id=10**12 - 1,
        member_id=1,
        schedule=Schedule.once(due),
        target=ReminderTarget("dm"),
        message="",
        next_due_at=due,
        last_sent_at=None,
        active=True,
        created_at=due,
    )
    nonce = Delivery(reminder, None).nonce  # never sent: named by its creation
    assert nonce == "r999999999999-9999999999" and len(nonce) <= 25
