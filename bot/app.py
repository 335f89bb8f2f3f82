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
from collections.abc import Coroutine
from typing import Any, TextIO

import aiohttp
import discord

from bot.client import CareerBot, sync_tree
from bot.settings import Settings
from knowledge import CorpusInvalid, KnowledgeBase
from storage import StorageError, open_storage

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


# ------------------------------------------------------------------ command line ---
# ``careerbot run`` and ``careerbot sync`` (bot/cli.py) are thin: they parse arguments
# and call these, which turn the failures an operator can fix into one clear message
# and an exit status, instead of a traceback.


def cli_run(
    settings: Settings, *, sync: bool, guild_id: int | None, out: TextIO, err: TextIO
) -> int:
    """``careerbot run``: serve until Ctrl+C (exit 130, handled by the caller)."""
    setup_logging(settings)
    return _cli_call(run_bot(settings, sync=sync, sync_guild_id=guild_id), settings, err)


def cli_sync(settings: Settings, *, guild_id: int | None, out: TextIO, err: TextIO) -> int:
    """``careerbot sync``: push the commands and say where they went."""
    synced: list[discord.app_commands.AppCommand] = []

    async def work() -> None:
        synced.extend(await sync_commands(settings, guild_id))

    status = _cli_call(work(), settings, err)
    if status == 0:
        names = ", ".join(sorted(f"/{c.name}" for c in synced))
        where = (
            f"to guild {guild_id} (visible there at once)"
            if guild_id
            else ("globally (Discord can take a while to show changes)")
        )
        out.write(f"synced {len(synced)} command(s) {where}: {names}\n")
    return status


def _cli_call(work: Coroutine[Any, Any, None], settings: Settings, err: TextIO) -> int:
    try:
        asyncio.run(work)
    except CorpusInvalid as exc:
        print(f"careerbot: the corpus at {settings.knowledge_path} has problems:", file=err)
        for issue in exc.issues:
            print(f"  {issue}", file=err)
        return 2
    except discord.LoginFailure:
        print(
            "careerbot: Discord refused the token; check CAREERBOT_DISCORD_TOKEN "
            "(the bot token from the developer portal)",
            file=err,
        )
        return 2
    except discord.PrivilegedIntentsRequired as exc:
        print(f"careerbot: {exc}", file=err)
        return 2
    except StorageError as exc:
        print(f"careerbot: storage: {exc}", file=err)
        return 2
    except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
        print(f"careerbot: could not talk to Discord: {exc}", file=err)
        return 1
    return 0
