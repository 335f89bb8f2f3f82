"""The moderator log channel (``/config log-channel``): what moderators must know.

Some things go wrong where no moderator is looking: the corpus watcher refuses or
holds back a change on disk (members keep getting the old answers, and the editor
thinks the change is live), or a reminder channel was deleted or closed to the bot
(members' reminders there are paused). They used to reach only the log, which
moderators do not read. Each guild that set a log channel gets a short message there;
guilds without one are left alone, as before.

Each thing is said once per process (``key``): a channel that is gone pauses every
reminder posted in it, and one message is enough. Failures to post are logged and
never raised: a notice must not break what triggered it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.render import CONTENT_MAX, reload_text, truncate
from bot.replies import NO_MENTIONS
from knowledge import ReloadResult
from storage import StorageError

if TYPE_CHECKING:
    from bot.client import CareerBot

log = logging.getLogger(__name__)


class ModeratorLog:
    """Posts notices to guilds' log channels; see the module docstring."""

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot
        self._said: set[tuple[int, str]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def tell(self, guild_id: int, text: str, *, key: str | None = None) -> bool:
        """Post ``text`` in ``guild_id``'s log channel, if it has one; True if posted.
        With ``key``, the same thing is said at most once per guild and process."""
        said = (guild_id, key) if key is not None else None
        if said is not None:
            if said in self._said:
                return False
            self._said.add(said)  # before any await: the same thing may come twice at once
        try:
            settings = await self.bot.guild_config.get(guild_id)
        except StorageError as exc:
            log.warning("could not read guild %s's log channel: %s", guild_id, exc)
            self._forget(said)
            return False
        if settings.log_channel_id is None:
            self._forget(said)  # said again once a log channel is set
            return False
        try:
            channel = self.bot.get_channel(settings.log_channel_id)
            if channel is None:
                channel = await self.bot.fetch_channel(settings.log_channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                raise TypeError(f"channel {settings.log_channel_id} cannot take messages")
            await channel.send(truncate(text, CONTENT_MAX), allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, TypeError) as exc:
            log.warning(
                "could not post in guild %s's moderator log channel %s: %s",
                guild_id,
                settings.log_channel_id,
                exc,
            )
            return False
        return True

    def _forget(self, said: tuple[int, str] | None) -> None:
        if said is not None:
            self._said.discard(said)

    async def tell_every_guild(self, text: str, *, key: str | None = None) -> int:
        """:meth:`tell` every guild the bot is in; how many got it."""
        told = 0
        for guild in list(self.bot.guilds):
            try:
                told += await self.tell(guild.id, text, key=key)
            except Exception:  # one guild's storage error must not silence the others
                log.exception("could not tell guild %s's moderators", guild.id)
        return told

    def reload_refused(self, result: ReloadResult) -> None:
        """The corpus watcher's hook (:class:`careerbot.runtime.watcher.KnowledgeWatcher`
        ``on_reload``): a change on disk that was refused or held back is told to every
        guild's moderators, with the report ``/kb reload`` would give."""
        if result.ok or result.unsettled or result.busy:
            return
        text = (
            "📋 **The corpus files changed on disk, but I did not take the change.** "
            "Members keep getting the previous answers.\n" + reload_text(result, self.bot.kb.path)
        )
        task = asyncio.get_running_loop().create_task(
            self._tell_all_quietly(text), name="careerbot: moderator log"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _tell_all_quietly(self, text: str) -> None:
        await self.tell_every_guild(text)

    async def drain(self) -> None:
        """Wait for notices on their way (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def channel_gone_text(channel_id: int) -> str:
    """A reminder channel the bot can no longer post in."""
    return (
        f"⏸️ I can no longer post in <#{channel_id}> (deleted, or I lost permission "
        "there), so members' reminders in it are paused and they are told when they next "
        "use me. Set a reminder channel I can post in with `/config reminder-channel`; "
        "members resume theirs with `/remind resume`."
    )
