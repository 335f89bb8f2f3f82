"""Per-guild settings as the bot uses them: cached, and in the bot's units.

Every ``/ask`` in a guild needs the guild's confidence threshold, and every moderator
command its moderator roles. Reading them from storage each time would put a database
read on the hot path of every question, so they are cached here. Writes (``/config``)
go through :meth:`GuildConfig.update`, which refreshes this process's cache and
announces the guild on :data:`~careerbot.runtime.broadcast.GUILD_CHANNEL`: every other
process sharing the database (PostgreSQL) drops its cached copy and reads the new one
on next use. A read that was already on its way when the notice came is not cached,
since it may hold the old settings; after a gap in the notices (a lost connection)
the whole cache is dropped.

Storage keeps the threshold as a fraction (0-1); the bot, the matcher and moderators
speak percent (0-100). :func:`to_percent` and :func:`to_fraction` are the only places
that convert.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from careerbot.runtime.broadcast import GUILD_CHANNEL, Broadcast, LocalBroadcast, Notice
from storage import GuildSettings, Storage

log = logging.getLogger(__name__)


def to_percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100.0, 4)


def to_fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100.0


class GuildConfig:
    """Guild settings with a write-through cache; see the module docstring."""

    def __init__(self, db: Storage, broadcast: Broadcast | None = None) -> None:
        self._db = db
        self._cache: dict[int, GuildSettings] = {}
        self._changes = 0
        """Counts notices and forgets: a read started before one is not cached."""
        self._broadcast = broadcast if broadcast is not None else LocalBroadcast()
        self._broadcast.subscribe(GUILD_CHANNEL, self._on_notice)
        self._broadcast.on_gap(self._on_gap)

    async def get(self, guild_id: int) -> GuildSettings:
        found = self._cache.get(guild_id)
        if found is None:
            changes = self._changes
            found = await self._db.get_guild_settings(guild_id)
            if changes == self._changes:
                self._cache[guild_id] = found
        return found

    async def update(self, guild_id: int, **changes: Any) -> GuildSettings:
        """Change some fields (names of :class:`storage.GuildSettings`), save, and
        tell the other processes (module docstring)."""
        saved = await self._db.update_guild_settings(
            guild_id, lambda current: replace(current, **changes)
        )
        self._changes += 1
        self._cache[guild_id] = saved
        await self._broadcast.publish(GUILD_CHANNEL, {"guild": str(guild_id)})
        return saved

    async def threshold(self, guild_id: int | None) -> float | None:
        """The guild's threshold override in percent, or ``None`` (no guild, or unset)."""
        if guild_id is None:
            return None
        return to_percent((await self.get(guild_id)).confidence_threshold)

    def forget(self, guild_id: int) -> None:
        self._changes += 1
        self._cache.pop(guild_id, None)

    async def _on_notice(self, notice: Notice) -> None:
        try:
            guild_id = int(notice.data["guild"])
        except (KeyError, TypeError, ValueError):
            log.warning("ignored a guild settings notice without a guild id")
            return
        self.forget(guild_id)

    async def _on_gap(self) -> None:
        self._changes += 1
        self._cache.clear()
