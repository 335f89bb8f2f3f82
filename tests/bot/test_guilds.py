"""Guild settings as the bot uses them: percent <-> fraction, and the write-through cache."""

from __future__ import annotations

from bot.guilds import GuildConfig, to_fraction, to_percent
from storage import GuildSettings, Storage

GUILD = 123456789012345678


def test_conversions() -> None:
    assert to_fraction(45.0) == 0.45 and to_percent(0.45) == 45.0
    assert to_fraction(None) is None and to_percent(None) is None
    assert to_percent(to_fraction(99.5)) == 99.5


async def test_updates_are_saved_and_reads_are_cached(db: Storage) -> None:
    config = GuildConfig(db)
    assert await config.threshold(GUILD) is None
    assert await config.threshold(None) is None  # DMs have no guild settings
    saved = await config.update(GUILD, confidence_threshold=0.6, reminder_channel_id=42)
    assert saved.confidence_threshold == 0.6 and saved.reminder_channel_id == 42
    assert (await db.get_guild_settings(GUILD)).reminder_channel_id == 42
    assert await config.threshold(GUILD) == 60.0
    # Another writer behind the cache's back is not seen (the bot is the only writer)...
    await db.set_guild_settings(GuildSettings(GUILD, confidence_threshold=0.9))
    assert await config.threshold(GUILD) == 60.0
    config.forget(GUILD)  # ...until the entry is dropped.
    assert await config.threshold(GUILD) == 90.0
    # An update starts from what is stored, not from the cache.
    saved = await config.update(GUILD, digest_channel_id=7)
    assert (saved.confidence_threshold, saved.digest_channel_id) == (0.9, 7)
