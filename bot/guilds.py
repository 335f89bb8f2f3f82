"""Per-guild settings as the bot uses them: cached, and in the bot's units.

Every ``/ask`` in a guild needs the guild's confidence threshold, and every moderator
command its moderator roles. Reading them from storage each time would put a database
read on the hot path of every question, so they are cached here. The bot process is
the only writer of guild settings (``/config``), and writes go through
:meth:`GuildConfig.update`, which refreshes the cache; a second process writing the
same database would need a shorter-lived cache.

Storage keeps the threshold as a fraction (0-1); the bot, the matcher and moderators
speak percent (0-100). :func:`to_percent` and :func:`to_fraction` are the only places
that convert.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from storage import GuildSettings, Storage


def to_percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100.0, 4)


def to_fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100.0


class GuildConfig:
    """Guild settings with a write-through cache; see the module docstring."""

    def __init__(self, db: Storage) -> None:
        self._db = db
        self._cache: dict[int, GuildSettings] = {}

    async def get(self, guild_id: int) -> GuildSettings:
        found = self._cache.get(guild_id)
        if found is None:
            found = await self._db.get_guild_settings(guild_id)
            self._cache[guild_id] = found
        return found

    async def update(self, guild_id: int, **changes: Any) -> GuildSettings:
        """Change some fields (names of :class:`storage.GuildSettings`) and save."""
        current = await self._db.get_guild_settings(guild_id)
        saved = await self._db.set_guild_settings(replace(current, **changes))
        self._cache[guild_id] = saved
        return saved

    async def threshold(self, guild_id: int | None) -> float | None:
        """The guild's threshold override in percent, or ``None`` (no guild, or unset)."""
        if guild_id is None:
            return None
        return to_percent((await self.get(guild_id)).confidence_threshold)

    def forget(self, guild_id: int) -> None:
        self._cache.pop(guild_id, None)
