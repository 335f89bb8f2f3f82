"""An admin's and a moderator's first hour, end to end through the fake Discord: the
welcome when the bot joins, and the moderator log channel with what it is told."""

from __future__ import annotations

import shutil
from pathlib import Path

from careerbot.cli.run import add_services
from knowledge import DEFAULT_KNOWLEDGE_PATH, KnowledgeBase
from storage import GuildSettings
from tests.bot.conftest import CareerHarness
from tests.bot.reminders.test_remind_e2e import reply_text, scheduler_at, started


async def test_joining_a_server_welcomes_its_admins_once(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    guild = fake.add_guild("Study group", channels=("welcome", "chat"))
    [welcome_channel, *_] = guild.text_channels
    welcome = await fake.wait_for_bot_message(welcome_channel)
    assert "Thanks for adding **careerbot**" in welcome["content"]
    assert "/config log-channel" in welcome["content"] and "/config show" in welcome["content"]
    assert welcome["mentions"] == [] and "@everyone" not in welcome["content"]
    # The servers it was already in when it started are not welcomed again.
    assert fake.bot_messages(fake.channel) == []


async def test_config_log_channel_is_shown_and_kept(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    shown = await fake.command_reply("config show", user=fake.moderator)
    assert "Moderator log channel: not set (where I tell moderators" in shown["content"]
    reply = await fake.command_reply(
        "config log-channel", {"channel": fake.mod_channel}, user=fake.moderator
    )
    assert f"Moderator log channel: <#{fake.mod_channel.id}>" in reply["content"]
    saved = await careerbot.db.get_guild_settings(fake.guild.id)
    assert saved.log_channel_id == fake.mod_channel.id


async def test_a_refused_change_on_disk_is_told_in_the_log_channel(
    careerbot: CareerHarness, tmp_path: Path
) -> None:
    """The watcher refuses a broken edit; nobody ran /kb reload, so nobody would know."""
    fake = careerbot.fake
    careerbot.errors.expect(
        "corpus changed on disk but has 2 problem", logger="careerbot.runtime.watcher"
    )
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_PATH, root, ignore=shutil.ignore_patterns("*.py", "*.md"))
    kb = KnowledgeBase.load(root)
    bot = await careerbot.start(kb=kb, watch_knowledge=True, watch_interval_seconds=0.1)
    await careerbot.db.set_guild_settings(
        GuildSettings(guild_id=fake.guild.id, log_channel_id=fake.mod_channel.id)
    )
    add_services(bot)  # as `careerbot run` does
    await bot.services.start_all()
    try:
        phd = root / "faq" / "do-i-need-a-phd.yaml"
        phd.write_text(phd.read_text(encoding="utf-8").replace("question:", "qestion:", 1))
        notice = await fake.wait_for_bot_message(fake.mod_channel, timeout=10)
    finally:
        await bot.services.stop_all()
    text = notice["content"]
    assert "did not take the change" in text and "Members keep getting the previous" in text
    assert "faq/do-i-need-a-phd.yaml:" in text and str(tmp_path) not in text
    assert len(kb.corpus) == len(careerbot.kb.corpus)  # still the old corpus


async def test_a_gone_reminder_channel_is_told_once(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    bot = await started(careerbot)
    await db.set_guild_settings(
        GuildSettings(
            guild_id=fake.guild.id,
            reminder_channel_id=fake.channel.id,
            log_channel_id=fake.mod_channel.id,
        )
    )
    for when in ("9am", "10am"):
        await reply_text(careerbot, "remind set", {"when": when, "where": "channel"})
    await fake.delete_channel(fake.channel)
    latest = max(r.next_due_at for r in await db.list_reminders(fake.member.id) if r.next_due_at)
    scheduler = await scheduler_at(bot, latest)
    assert await scheduler.dispatch_due() == 2
    notices = await fake.wait_until(
        lambda: fake.bot_messages(fake.mod_channel) or None, what="the log channel notice"
    )
    await bot.moderator_log.drain()
    assert len(fake.bot_messages(fake.mod_channel)) == 1  # two reminders paused, one notice
    text = notices[0]["content"]
    assert f"<#{fake.channel.id}>" in text and "/config reminder-channel" in text


async def test_starting_on_the_last_good_copy_is_told_in_the_log_channel(
    careerbot: CareerHarness, tmp_path: Path
) -> None:
    fake = careerbot.fake
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_PATH, root, ignore=shutil.ignore_patterns("*.py", "*.md"))
    saved = tmp_path / "careerbot.sqlite3.last-good-corpus.json"
    KnowledgeBase.load(root, last_good=saved)
    (root / "synonyms.yaml").write_text("synonyms:\n  mle: [broken\n")
    kb = KnowledgeBase.load(root, last_good=saved)  # a restart with a broken file
    careerbot.errors.expect("serving the last good copy", logger="knowledge.service")
    await careerbot.db.set_guild_settings(
        GuildSettings(guild_id=fake.guild.id, log_channel_id=fake.mod_channel.id)
    )
    await careerbot.start(kb=kb)
    notice = await fake.wait_for_bot_message(fake.mod_channel)
    assert notice["content"].startswith("🚨 I started with the last good copy")
    assert "`/kb reload` shows what is wrong" in notice["content"]
