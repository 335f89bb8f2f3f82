"""The weekly digest: which skill, when, and posted once per week per server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot import custom_ids as ids
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
