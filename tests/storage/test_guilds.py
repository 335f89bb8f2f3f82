"""Per-guild settings: defaults, replacement, validation."""

from __future__ import annotations

import pytest

from storage import GuildSettings, InvalidInputError, Storage


async def test_defaults_then_set_then_replace(db: Storage) -> None:
    assert await db.get_guild_settings(5) == GuildSettings(guild_id=5)
    settings = GuildSettings(
        guild_id=5,
        reminder_channel_id=50,
        digest_channel_id=51,
        moderator_role_ids=frozenset({7, 8}),
        confidence_threshold=0.62,
        log_channel_id=52,
        help_channel_id=53,
        mentor_role_id=9,
    )
    assert await db.set_guild_settings(settings) == settings
    assert await db.get_guild_settings(5) == settings
    fewer = GuildSettings(guild_id=5, moderator_role_ids=frozenset({8}))
    await db.set_guild_settings(fewer)
    assert await db.get_guild_settings(5) == fewer
    assert await db.get_guild_settings(6) == GuildSettings(guild_id=6)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (GuildSettings(guild_id=5, confidence_threshold=1.5), "between 0 and 1"),
        (GuildSettings(guild_id=5, confidence_threshold=float("inf")), "between 0 and 1"),
        (GuildSettings(guild_id=5, moderator_role_ids=frozenset({-1})), "out of range"),
        (GuildSettings(guild_id=0), "guild id"),
        (GuildSettings(guild_id=5, log_channel_id=-3), "log channel id"),
        (GuildSettings(guild_id=5, help_channel_id=0), "help channel id"),
        (GuildSettings(guild_id=5, mentor_role_id=-1), "mentor role id"),
    ],
)
async def test_invalid_settings_are_refused(
    db: Storage, settings: GuildSettings, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        await db.set_guild_settings(settings)


async def test_update_edits_what_is_stored_and_refuses_a_bad_edit(db: Storage) -> None:
    from dataclasses import replace

    first = await db.update_guild_settings(1, lambda s: replace(s, digest_channel_id=7))
    assert first == GuildSettings(guild_id=1, digest_channel_id=7)
    roles = await db.update_guild_settings(
        1, lambda s: replace(s, moderator_role_ids=s.moderator_role_ids | {5})
    )
    assert (roles.digest_channel_id, roles.moderator_role_ids) == (7, frozenset({5}))
    with pytest.raises(InvalidInputError):
        await db.update_guild_settings(1, lambda s: replace(s, confidence_threshold=2.0))
    with pytest.raises(InvalidInputError):
        await db.update_guild_settings(1, lambda s: replace(s, guild_id=2))
    assert await db.get_guild_settings(1) == roles  # the refused edits changed nothing
    assert await db.get_guild_settings(2) == GuildSettings(guild_id=2)


async def test_guilds_with_help_channel_lists_only_those_set(db: Storage) -> None:
    assert await db.guilds_with_help_channel() == frozenset()
    await db.set_guild_settings(GuildSettings(guild_id=5, help_channel_id=50))
    await db.set_guild_settings(GuildSettings(guild_id=6, log_channel_id=60))
    await db.set_guild_settings(GuildSettings(guild_id=7, help_channel_id=70))
    assert await db.guilds_with_help_channel() == frozenset({5, 7})
    await db.set_guild_settings(GuildSettings(guild_id=7))  # unset again
    assert await db.guilds_with_help_channel() == frozenset({5})
