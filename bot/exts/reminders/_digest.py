"""Posting the weekly digest to every server that set a digest channel.

One small loop beside the reminder scheduler: sleep until Monday 09:00 UTC (or post at
once on start if this week's is due and missing), then post to each guild's
``/config digest-channel``. Before posting, a process claims the (guild, ISO week) in
the database (``Storage.claim_digest``: one row, inserted by exactly one caller), so a
restart or any number of processes post once per server per week; a failed post gives
the claim back. The channel's last messages are still read for this week's digest,
for the week a bot is upgraded (its digest was posted before claims were kept).
Discord errors are logged per guild and never end the loop.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import discord

from bot.client import CareerBot
from bot.exts.reminders._components import ReminderSkillButton
from bot.reminders import digest
from bot.replies import NO_MENTIONS, stateless_view
from careerbot.core.reminders.scheduler import Sleep
from careerbot.runtime.services import stop_loop
from careerbot.runtime.time import Clock, utc_now
from storage import StorageError

log = logging.getLogger(__name__)

HISTORY = 20


class DigestPoster:
    """The weekly loop; :meth:`post_all` is one round (what tests call). A
    :mod:`careerbot.runtime.services` service, like the reminder scheduler."""

    name = "digest"

    def __init__(
        self, bot: CareerBot, *, clock: Clock = utc_now, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.sleep = sleep
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run(), name="careerbot-digest")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await stop_loop(task)

    async def run(self) -> None:
        while True:
            now = self.clock()
            if now >= digest.week_start(now):
                await self._round(now)  # catches up a missed Monday; posts at most once
            wait = (digest.next_post_at(self.clock()) - self.clock()).total_seconds()
            await self.sleep(max(wait, 1.0))

    async def _round(self, now: datetime) -> None:
        try:
            await self.post_all(now)
        except Exception:
            log.exception("weekly digest round failed")

    async def post_all(self, now: datetime) -> int:
        """Post this week's digest wherever it is missing; how many were posted."""
        skill = digest.skill_of_the_week(self.bot.kb.corpus, now)
        if skill is None:
            return 0
        posted = 0
        for guild in list(self.bot.guilds):
            try:
                settings = await self.bot.db.get_guild_settings(guild.id)
            except StorageError as exc:
                log.warning("digest: no settings for guild %s: %s", guild.id, exc)
                continue
            if settings.digest_channel_id is None:
                continue
            channel = self.bot.get_partial_messageable(
                settings.digest_channel_id, guild_id=guild.id
            )
            week = digest.week_key(now)
            try:
                if not await self.bot.db.claim_digest(guild.id, week, at=now):
                    continue  # this process or another has it this week
            except StorageError as exc:
                log.warning("digest: cannot claim guild %s's week %s: %s", guild.id, week, exc)
                continue
            try:
                if await self._already_posted(channel, now):
                    continue  # posted before the claims were kept (an upgrade that week)
                await channel.send(
                    embed=digest.digest_embed(skill, now),
                    view=stateless_view(ReminderSkillButton(skill.id)),  # type: ignore[arg-type]
                    allowed_mentions=NO_MENTIONS,
                )
                posted += 1
            except discord.HTTPException as exc:
                log.warning(
                    "digest: could not post in channel %s of guild %s: %s",
                    settings.digest_channel_id, guild.id, exc,
                )  # fmt: skip
                await self._release(guild.id, week)
        return posted

    async def _release(self, guild_id: int, week: str) -> None:
        """Give the week back after a failed post, so a restart (or another process's
        round) may try again."""
        try:
            await self.bot.db.release_digest(guild_id, week)
        except StorageError as exc:
            log.warning("digest: could not release guild %s's week %s: %s", guild_id, week, exc)

    async def _already_posted(self, channel: discord.PartialMessageable, now: datetime) -> bool:
        me = self.bot.user
        async for message in channel.history(limit=HISTORY):
            if me is not None and message.author.id != me.id:
                continue
            if any(digest.is_digest_of(e.footer.text, now) for e in message.embeds):
                return True
        return False
