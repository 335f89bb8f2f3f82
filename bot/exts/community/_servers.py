"""The servers a member shares with the bot that have a help channel: where a DM
question can be handed over (the rules and the cache are
:mod:`careerbot.core.community.servers`; this asks Discord).

The bot has no members intent, so the member caches are empty and each server is asked
about the member (``GET /guilds/{id}/members/{user}``, which needs no privileged
intent); a cached member is used when there is one. Only the guilds this process holds
are known: in a sharded deployment over several processes, a DM (which arrives on
shard 0) is offered the servers of shard 0's process.
"""

from __future__ import annotations

import logging

import discord

from bot.client import CareerBot
from storage import StorageError

log = logging.getLogger(__name__)


async def dm_servers(bot: CareerBot, member_id: int) -> list[discord.Guild]:
    """The servers ``member_id`` can hand a DM question to, by name."""
    try:
        with_help = await bot.db.guilds_with_help_channel()
    except StorageError:  # a storage hiccup costs the button, not the answer
        log.exception("could not read which guilds have a help channel")
        return []
    candidates = sorted(
        (g for g in bot.guilds if g.id in with_help and not g.unavailable),
        key=lambda guild: ((guild.name or "").casefold(), guild.id),
    )
    if not candidates:
        return []

    async def is_member(guild_id: int, user_id: int) -> bool | None:
        guild = bot.get_guild(guild_id)
        if guild is None:
            return False
        if guild.get_member(user_id) is not None:
            return True
        try:
            await guild.fetch_member(user_id)
        except discord.NotFound:
            return False
        except discord.HTTPException as exc:
            log.warning("could not look up member %s in guild %s: %s", user_id, guild_id, exc)
            return None
        return True

    found = await bot.shared_servers.of(member_id, [g.id for g in candidates], is_member)
    return [guild for guild in (bot.get_guild(i) for i in found) if guild is not None]
