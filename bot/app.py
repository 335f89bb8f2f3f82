"""Starting the bot and syncing its commands: what ``careerbot run`` / ``sync`` call.

Both open what the bot needs (the corpus, the store), build a :class:`CareerBot`, and
close everything on the way out, also on Ctrl+C. The corpus is checked before
connecting to Discord, so a broken corpus fails start-up with its problems listed
(:class:`knowledge.CorpusInvalid`) instead of a bot that cannot answer.

Commands are synced only by :func:`sync_commands` or ``run_bot(..., sync=True)``:
Discord rate-limits syncing, so it is an explicit step after commands change, never
part of every start.
"""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.client import CareerBot, sync_tree
from bot.settings import Settings
from knowledge import KnowledgeBase
from storage import open_storage

log = logging.getLogger(__name__)


def setup_logging(settings: Settings) -> None:
    """discord.py's coloured console logging for the root logger, at the chosen level.

    Neither discord.py nor careerbot logs the token at any level; the settings hide it
    in their own repr as well.
    """
    discord.utils.setup_logging(level=logging.getLevelName(settings.log_level), root=True)


async def run_bot(
    settings: Settings, *, sync: bool = False, sync_guild_id: int | None = None
) -> None:
    """Run the bot until it is closed or cancelled (Ctrl+C).

    ``sync`` pushes the commands first: to ``sync_guild_id`` if given (development),
    else globally.
    """
    kb = await _load_knowledge(settings)
    async with await open_storage(settings.database_path) as db:
        bot = CareerBot(settings, kb, db, sync_on_start=sync, sync_guild_id=sync_guild_id)
        async with bot:
            await bot.start(settings.token)


async def sync_commands(
    settings: Settings, guild_id: int | None = None
) -> list[discord.app_commands.AppCommand]:
    """Log in over HTTP only (no gateway) and sync the command definitions: to one
    guild when ``guild_id`` is given (they appear at once there), else globally."""
    kb = await _load_knowledge(settings)
    async with await open_storage(settings.database_path) as db:
        bot = CareerBot(settings, kb, db)
        async with bot:
            await bot.login(settings.token)  # runs setup_hook: the extensions load
            return await sync_tree(bot, guild_id)


async def _load_knowledge(settings: Settings) -> KnowledgeBase:
    kb = await asyncio.to_thread(KnowledgeBase.load, settings.knowledge_path)
    log.info("loaded %d entries from %s", len(kb.corpus), settings.knowledge_path)
    return kb
