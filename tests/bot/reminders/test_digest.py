"""The weekly digest: which skill, when, and posted once per week per server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import custom_ids as ids
from bot.exts.reminders._digest import DigestPoster
from bot.reminders import digest
from knowledge import KnowledgeBase
from storage import GuildSettings
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import custom_ids, embed

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # ISO week 48


def test_posting_times() -> None:
    assert digest.week_key(MONDAY) == "2026-W48"
    assert digest.week_start(MONDAY + timedelta(days=3)) == MONDAY
    assert digest.next_post_at(MONDAY - timedelta(minutes=1)) == MONDAY
    assert digest.next_post_at(MONDAY) == MONDAY + timedelta(days=7)


def test_one_skill_a_week_walking_the_path(knowledge_base: KnowledgeBase) -> None:
    corpus = knowledge_base.corpus
    weeks = [digest.skill_of_the_week(corpus, MONDAY + timedelta(weeks=n)) for n in range(3)]
    assert all(w is not None for w in weeks) and len({w.id for w in weeks if w}) == 3
    same_week = digest.skill_of_the_week(corpus, MONDAY + timedelta(days=6))
    assert same_week == weeks[0]


async def test_posted_once_in_the_digest_channel(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    bot = await careerbot.start()
    cog: Any = bot.get_cog("Reminders")
    await cog.digest.stop()
    assert await cog.digest.post_all(MONDAY) == 0  # no digest channel: nothing
    await db.set_guild_settings(
        GuildSettings(guild_id=fake.guild.id, digest_channel_id=fake.mod_channel.id)
    )
    assert await cog.digest.post_all(MONDAY) == 1
    assert await cog.digest.post_all(MONDAY + timedelta(hours=5)) == 0  # e.g. a restart
    [message] = fake.bot_messages(fake.mod_channel)
    skill = digest.skill_of_the_week(careerbot.kb.corpus, MONDAY)
    assert skill is not None
    assert embed(message)["title"] == f"🌟 Skill of the week: {skill.name}"
    assert embed(message)["footer"]["text"] == "Skill of the week · 2026-W48"
    assert custom_ids(message) == [ids.reminder_skill(skill.id)]
    assert message["mentions"] == []
    assert await cog.digest.post_all(MONDAY + timedelta(days=7)) == 1  # next week's


async def test_two_processes_racing_post_once(careerbot: CareerHarness) -> None:
    """Two bot processes' digest loops at the same Monday, and a slow Discord: the first
    one's post is still in flight when the second reads the channel (which, before the
    claim was kept in the database, then showed no digest: both posted)."""
    fake, db = careerbot.fake, careerbot.db
    bots = [await careerbot.start(), await careerbot.start(sync=False)]
    for bot in bots:
        await bot.get_cog("Reminders").digest.stop()  # type: ignore[union-attr]
    await db.set_guild_settings(
        GuildSettings(guild_id=fake.guild.id, digest_channel_id=fake.mod_channel.id)
    )
    channel = f"/channels/{fake.mod_channel.id}/messages"
    hang = fake.stall("POST", "/channels/{id}/messages", lambda r: r.path == channel)
    first = asyncio.create_task(DigestPoster(bots[0]).post_all(MONDAY))
    await fake.wait_until(lambda: True if hang.waiting == 1 else None, what="the first post")
    second = asyncio.create_task(DigestPoster(bots[1]).post_all(MONDAY))
    await fake.wait_until(
        lambda: True if second.done() or hang.waiting == 2 else None, what="the second round"
    )
    hang.release()
    assert await first + await second == 1
    assert len(fake.bot_messages(fake.mod_channel)) == 1
    # Without the stall, any number of rounds at once: still one post a week.
    for week in (1, 2):
        at = MONDAY - timedelta(weeks=week)
        posters = [DigestPoster(bot) for bot in bots for _ in range(2)]
        assert sum(await asyncio.gather(*(poster.post_all(at) for poster in posters))) == 1
    assert len(fake.bot_messages(fake.mod_channel)) == 3


async def test_a_restart_after_a_busy_day_does_not_post_again(careerbot: CareerHarness) -> None:
    """The digest scrolled out of the channel's recent messages (which is all the poster
    read before the claim was kept in the database): a restart must not post it again."""
    fake, db = careerbot.fake, careerbot.db
    bot = await careerbot.start()
    cog: Any = bot.get_cog("Reminders")
    await cog.digest.stop()
    await db.set_guild_settings(
        GuildSettings(guild_id=fake.guild.id, digest_channel_id=fake.mod_channel.id)
    )
    assert await cog.digest.post_all(MONDAY) == 1
    for n in range(30):
        await fake.send_message(fake.member, f"chatting {n}", channel=fake.mod_channel)
    restarted = DigestPoster(bot)
    assert await restarted.post_all(MONDAY + timedelta(hours=8)) == 0
    assert len(fake.bot_messages(fake.mod_channel)) == 1


async def test_a_failed_post_gives_the_week_back(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    bot = await careerbot.start()
    cog: Any = bot.get_cog("Reminders")
    await cog.digest.stop()
    gone = 424242424242424242  # a channel that does not exist (deleted)
    await db.set_guild_settings(GuildSettings(guild_id=fake.guild.id, digest_channel_id=gone))
    assert await cog.digest.post_all(MONDAY) == 0
    await db.set_guild_settings(
        GuildSettings(guild_id=fake.guild.id, digest_channel_id=fake.mod_channel.id)
    )
    assert await cog.digest.post_all(MONDAY + timedelta(minutes=5)) == 1  # tried again
    assert await cog.digest.post_all(MONDAY + timedelta(minutes=10)) == 0
