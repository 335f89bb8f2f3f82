"""/remind and reminder delivery end to end: the real bot against the fake Discord.

Delivery is driven by calling the bot's own scheduler with a chosen "now" (its live
loop is stopped first), so nothing waits for real time to pass.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import custom_ids as ids
from bot.client import CareerBot
from careerbot.core.reminders.scheduler import DeliveryOutcome, ReminderScheduler
from storage import GuildSettings
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import custom_ids, embed, is_ephemeral


async def started(careerbot: CareerHarness, tz: str = "Europe/Berlin") -> CareerBot:
    bot = await careerbot.start()
    await careerbot.db.set_timezone(careerbot.fake.member.id, tz)
    return bot


async def scheduler_at(bot: CareerBot, at: datetime) -> ReminderScheduler:
    """The bot's scheduler with its live loop stopped and its clock fixed at ``at``."""
    cog: Any = bot.get_cog("Reminders")
    await cog.scheduler.stop()
    cog.scheduler.clock = lambda: at
    return cog.scheduler


async def reply_text(careerbot: CareerHarness, name: str, options: dict[str, Any]) -> str:
    ix = await careerbot.fake.send_slash_command(name, options)
    message = await ix.wait_for_reply()
    assert ix.ephemeral
    return str(message["content"])


async def test_scheduler_runs_while_the_bot_runs(careerbot: CareerHarness) -> None:
    bot = await careerbot.start()
    cog: Any = bot.get_cog("Reminders")
    assert cog.scheduler.running
    await careerbot.stop(bot)
    assert not cog.scheduler.running


async def test_set_list_pause_resume_delete(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    await started(careerbot)
    text = await reply_text(careerbot, "remind set", {"when": "9am", "days": "mon,wed,fri"})
    assert "Reminder #1 set: Mon, Wed, Fri at 09:00 (Europe/Berlin), by DM" in text
    reminder = await db.get_reminder(1)
    assert reminder is not None and reminder.next_due_at is not None
    assert f"<t:{int(reminder.next_due_at.timestamp())}:F>" in text
    assert reminder.next_due_at.astimezone(UTC).hour in (7, 8)  # 09:00 Berlin
    one_off = await reply_text(careerbot, "remind set", {"when": "in 2 hours", "message": "PR"})
    assert "One-off reminder #2 set: once" in one_off

    listed = await reply_text(careerbot, "remind list", {})
    assert "`#1` ⏰ Mon, Wed, Fri at 09:00" in listed and "`#2`" in listed and "PR" in listed

    choices = await fake.autocomplete("remind pause", "reminder", "")
    assert [c["value"] for c in choices] == [1, 2]
    assert choices[0]["name"].startswith("#1 Mon, Wed, Fri at 09:00")
    assert [c["value"] for c in await fake.autocomplete("remind pause", "reminder", "PR")] == [2]

    assert "Paused reminder #1" in await reply_text(careerbot, "remind pause", {"reminder": 1})
    assert "`#1` ⏸️ paused" in await reply_text(careerbot, "remind list", {})
    resumable = await fake.autocomplete("remind resume", "reminder", "")
    assert [c["value"] for c in resumable] == [1]
    assert "Resumed reminder #1. Next:" in await reply_text(
        careerbot, "remind resume", {"reminder": 1}
    )
    assert "Deleted reminder #1" in await reply_text(careerbot, "remind delete", {"reminder": 1})
    assert [r.id for r in await db.list_reminders(fake.member.id)] == [2]
    # Someone else's reminder, or one that does not exist: the same clear refusal.
    refused = await reply_text(careerbot, "remind delete", {"reminder": 1})
    assert "You have no reminder #1" in refused


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"when": "whenever"}, "couldn't understand"),
        ({"when": "9:00, 9:30"}, "at most once every 60 minutes"),
        ({"when": "tomorrow 9am", "days": "mon"}, "repeating"),
        ({"when": "9am", "where": "channel"}, "no reminder channel"),
    ],
)
async def test_clear_refusals(
    careerbot: CareerHarness, options: dict[str, Any], expected: str
) -> None:
    await started(careerbot)
    assert expected in await reply_text(careerbot, "remind set", options)
    assert await careerbot.db.list_reminders(careerbot.fake.member.id) == []


async def test_limit_on_active_reminders(careerbot: CareerHarness) -> None:
    await started(careerbot)
    for hour in range(10):
        await reply_text(careerbot, "remind set", {"when": f"{hour + 8}:00"})
    refused = await reply_text(careerbot, "remind set", {"when": "20:00"})
    assert "you already have 10 active reminders" in refused


async def test_dm_reminder_content_buttons_and_no_pings(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    bot = await started(careerbot)
    alice = fake.member.id
    await reply_text(careerbot, "remind set", {"when": "in 1 hour", "message": "@everyone go"})
    reminder = await db.get_reminder(1)
    assert reminder is not None and reminder.next_due_at is not None
    path = careerbot.kb.corpus.learning_path()
    first_skill, first_item = path[0], path[0].checklist[0]
    await db.set_progress(alice, first_skill.id, first_item.id, "done")

    scheduler = await scheduler_at(bot, reminder.next_due_at)
    assert await scheduler.dispatch_due() == 1
    [message] = fake.dms_to(fake.member)
    assert message["content"].startswith("⏰ ")
    assert "@\u200beveryone go" in message["content"]  # echoed text is inert
    assert "late" not in message["content"]
    second = path[0].checklist[1]
    description = embed(message)["description"]
    assert f"**Next up:** {second.title}" in description
    assert "🔥 1 day streak" in description and "1/" in description
    assert custom_ids(message) == [
        ids.reminder_done(second.id),
        ids.reminder_skill(first_skill.id),
        ids.snooze(1),
    ]
    assert message["mentions"] == []
    [post] = fake.requests_matching("POST", "/channels/{id}/messages")
    assert post.json["allowed_mentions"] == {"parse": []}
    assert scheduler.counts[DeliveryOutcome.DELIVERED] == 1
    sent = await db.get_reminder(1)
    assert sent is not None and sent.finished

    done = await fake.click_button(message, ids.reminder_done(second.id) or "")
    confirmation = await done.wait_for_reply()
    assert f"Marked **{second.title}" in confirmation["content"]
    statuses = {p.item_id: p.status for p in await db.get_progress(alice)}
    assert statuses[second.id] == "done"
    # The confirmation offers the same Undo as /learned.
    undo = await fake.click_button(confirmation, ids.undo(second.id) or "")
    assert "Undone" in (await undo.wait_for_reply())["content"]
    statuses = {p.item_id: p.status for p in await db.get_progress(alice)}
    assert second.id not in statuses

    show = await fake.click_button(message, ids.reminder_skill(first_skill.id) or "")
    card = await show.wait_for_reply()
    assert embed(card)["title"] == first_skill.name

    snooze = await fake.click_button(message, ids.snooze(1))
    assert "Snoozed" in (await snooze.wait_for_reply())["content"]
    again = await db.get_reminder(1)
    assert again is not None and again.next_due_at is not None and not again.finished
    assert timedelta(minutes=59) < again.next_due_at - datetime.now(UTC) <= timedelta(hours=1)


async def test_channel_reminder_pings_only_its_owner_then_channel_deleted(
    careerbot: CareerHarness, caplog: pytest.LogCaptureFixture
) -> None:
    fake, db = careerbot.fake, careerbot.db
    bot = await started(careerbot)
    await db.set_guild_settings(
        GuildSettings(guild_id=fake.guild.id, reminder_channel_id=fake.channel.id)
    )
    await reply_text(careerbot, "remind set", {"when": "9am", "where": "channel"})
    reminder = await db.get_reminder(1)
    assert reminder is not None and reminder.next_due_at is not None
    scheduler = await scheduler_at(bot, reminder.next_due_at)
    assert await scheduler.dispatch_due() == 1
    [message] = [m for m in fake.bot_messages(fake.channel) if not is_ephemeral(m)]
    assert message["content"].startswith(f"<@{fake.member.id}> ⏰")
    assert [int(u["id"]) for u in message["mentions"]] == [fake.member.id]
    [post] = fake.requests_matching("POST", "/channels/{id}/messages")
    mentions = post.json["allowed_mentions"]
    assert mentions["users"] == [fake.member.id] and "everyone" not in mentions["parse"]
    # Another member cannot snooze it.
    other = await fake.click_button(message, ids.snooze(1), user=fake.moderator)
    assert "Only the member" in (await other.wait_for_reply())["content"]

    await fake.delete_channel(fake.channel)
    nxt = await db.get_reminder(1)
    assert nxt is not None and nxt.next_due_at is not None
    scheduler.clock = lambda: nxt.next_due_at
    with caplog.at_level(logging.WARNING):
        assert await scheduler.dispatch_due() == 1
    paused = await db.get_reminder(1)
    assert paused is not None and not paused.active
    assert any("is gone" in r.getMessage() for r in caplog.records)
    assert await db.has_notices(fake.member.id)


async def test_blocked_dm_pauses_and_the_member_is_told_next_time(
    careerbot: CareerHarness,
) -> None:
    fake, db = careerbot.fake, careerbot.db
    bot = await started(careerbot)
    await reply_text(careerbot, "remind set", {"when": "9am"})
    reminder = await db.get_reminder(1)
    assert reminder is not None and reminder.next_due_at is not None
    fake.block_dms(fake.member)
    scheduler = await scheduler_at(bot, reminder.next_due_at)
    assert await scheduler.dispatch_due() == 1
    assert scheduler.counts[DeliveryOutcome.BLOCKED_DM] == 1
    paused = await db.get_reminder(1)
    assert paused is not None and not paused.active and paused.next_due_at is None
    assert fake.dms_to(fake.member) == []

    ix = await fake.send_slash_command("remind list", {})
    assert "paused" in (await ix.wait_for_reply())["content"]
    notice = await ix.wait_for_followup()
    assert is_ephemeral(notice)
    assert "I paused your reminder #1" in notice["content"] and "DM" in notice["content"]
    assert not await db.has_notices(fake.member.id)  # told once


async def test_late_delivery_says_so(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    bot = await started(careerbot)
    await reply_text(careerbot, "remind set", {"when": "in 1 hour"})
    reminder = await db.get_reminder(1)
    assert reminder is not None and reminder.next_due_at is not None
    scheduler = await scheduler_at(bot, reminder.next_due_at + timedelta(hours=5))
    assert await scheduler.dispatch_due() == 1
    [message] = fake.dms_to(fake.member)
    assert f"late: was due at <t:{int(reminder.next_due_at.timestamp())}:F>" in message["content"]


async def test_rate_limits_and_errors_are_retried_not_fatal(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    bot = await started(careerbot)
    await reply_text(careerbot, "remind set", {"when": "9am"})
    reminder = await db.get_reminder(1)
    assert reminder is not None and reminder.next_due_at is not None
    due = reminder.next_due_at
    # A rate limit: discord.py waits and retries by itself.
    fake.rate_limit("POST", "/channels/{id}/messages", retry_after=0.01, times=2)
    scheduler = await scheduler_at(bot, due)
    assert await scheduler.dispatch_due() == 1
    assert len(fake.dms_to(fake.member)) == 1
    # An error Discord does not explain: given back, tried again a minute later.
    nxt = await db.get_reminder(1)
    assert nxt is not None and nxt.next_due_at is not None
    fake.fail("POST", "/channels/{id}/messages", status=400, code=50035, times=1)
    scheduler.clock = lambda: nxt.next_due_at
    assert await scheduler.dispatch_due() == 1
    assert scheduler.counts[DeliveryOutcome.RETRY] == 1
    retry = await db.get_reminder(1)
    assert retry is not None and retry.active
    assert retry.next_due_at == nxt.next_due_at + timedelta(minutes=1)
    scheduler.clock = lambda: nxt.next_due_at + timedelta(minutes=1)
    assert await scheduler.dispatch_due() == 1
    assert len(fake.dms_to(fake.member)) == 2


async def test_digest_and_scheduler_are_the_last_services(careerbot: CareerHarness) -> None:
    """``careerbot run`` starts services after login and stops the last added first:
    the extension registers the digest poster and then the scheduler, after the app's
    own services, so both get the same start and ordered stop (the digest used to be
    started by ``on_ready`` alone); Snooze reaches that scheduler through the bot."""
    bot = await careerbot.start()
    assert bot.services.names[-2:] == ["digest", "reminders"]
    cog = bot.get_cog("Reminders")
    assert cog is not None
    assert bot.wake_reminders == cog.scheduler.wake


async def test_quiet_hours_command_and_delivery(careerbot: CareerHarness) -> None:
    """/remind quiet sets, shows and clears the window; a reminder due inside it waits
    until it ends and then arrives once, on time."""
    fake, db = careerbot.fake, careerbot.db
    bot = await started(careerbot)
    berlin = ZoneInfo("Europe/Berlin")
    assert "You have no quiet hours" in await reply_text(careerbot, "remind quiet", {})
    for options, refusal in (
        ({"start": "22:00"}, "need both a `start` and an `end`"),
        ({"start": "late", "end": "7am"}, "couldn't read 'late' as a time of day"),
        ({"start": "9am", "end": "09:00"}, "the same time"),
    ):
        assert refusal in await reply_text(careerbot, "remind quiet", options)
    member = await db.get_member(fake.member.id)
    assert member is not None and member.prefs.quiet_start is None

    text = await reply_text(careerbot, "remind quiet", {"start": "10pm", "end": "7am"})
    assert "Quiet hours set: 22:00–07:00 (Europe/Berlin)" in text
    assert "wait until 07:00" in text
    member = await db.get_member(fake.member.id)
    assert member is not None
    assert (member.prefs.quiet_start, member.prefs.quiet_end) == (time(22), time(7))

    confirmed = await reply_text(
        careerbot, "remind set", {"when": "23:00", "message": "flashcards"}
    )
    assert "That is in your quiet hours, so it will arrive at" in confirmed
    assert "07:00 CE" in confirmed  # CET or CEST, in the member's zone
    listed = await reply_text(careerbot, "remind list", {})
    assert listed.startswith("🌙 Quiet hours 22:00–07:00 (Europe/Berlin)")
    reminder = await db.get_reminder(1)
    assert reminder is not None and reminder.next_due_at is not None
    scheduler = await scheduler_at(bot, reminder.next_due_at)
    assert await scheduler.dispatch_due() == 1
    assert fake.dms_to(fake.member) == []  # 23:00 is quiet time
    held = await db.get_reminder(1)
    assert held is not None and held.next_due_at is not None
    assert held.next_due_at.astimezone(berlin).strftime("%H:%M") == "07:00"
    wake_up = held.next_due_at
    scheduler.clock = lambda: wake_up
    assert await scheduler.dispatch_due() == 1
    [message] = fake.dms_to(fake.member)
    assert "flashcards" in message["content"] and "late" not in message["content"]
    after = await db.get_reminder(1)
    assert after is not None and after.next_due_at is not None
    assert after.next_due_at.astimezone(berlin).strftime("%H:%M") == "23:00"  # back on schedule

    assert "Quiet hours are off" in await reply_text(careerbot, "remind quiet", {"off": True})
    member = await db.get_member(fake.member.id)
    assert member is not None and member.prefs.quiet_start is None
    assert not (await reply_text(careerbot, "remind list", {})).startswith("🌙")
