"""Per-guild settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from storage import validate as check
from storage.errors import InvalidInputError
from storage.models import GuildSettings
from storage.sqlite.base import SqliteBase


class GuildsMixin(SqliteBase):
    """Per-guild settings, moderator roles included."""

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        check.snowflake(guild_id, "guild id")
        async with self._read() as conn:
            return await self._guild_settings(conn, guild_id)

    async def _guild_settings(self, conn: Any, guild_id: int, lock: str = "") -> GuildSettings:
        found = await self._fetch(
            conn,
            "SELECT reminder_channel_id, digest_channel_id, confidence_threshold, "
            "log_channel_id, help_channel_id, mentor_role_id "
            f"FROM guild_settings WHERE guild_id = ?{lock}",
            (guild_id,),
        )
        roles = await self._fetch(
            conn, "SELECT role_id FROM guild_moderator_roles WHERE guild_id = ?", (guild_id,)
        )
        if not found:
            return GuildSettings(guild_id=guild_id)
        row = found[0]
        return GuildSettings(
            guild_id=guild_id,
            reminder_channel_id=row["reminder_channel_id"],
            digest_channel_id=row["digest_channel_id"],
            moderator_role_ids=frozenset(role["role_id"] for role in roles),
            confidence_threshold=row["confidence_threshold"],
            log_channel_id=row["log_channel_id"],
            help_channel_id=row["help_channel_id"],
            mentor_role_id=row["mentor_role_id"],
        )

    async def guilds_with_help_channel(self) -> frozenset[int]:
        async with self._read() as conn:
            rows = await self._fetch(
                conn, "SELECT guild_id FROM guild_settings WHERE help_channel_id IS NOT NULL", ()
            )
        return frozenset(row["guild_id"] for row in rows)

    async def set_guild_settings(
        self, settings: GuildSettings, *, at: datetime | None = None
    ) -> GuildSettings:
        valid = _checked(settings)
        now = check.now_or(at)
        async with self._write() as conn:
            await self._save_guild_settings(conn, valid, now)
        return valid

    async def update_guild_settings(
        self,
        guild_id: int,
        edit: Callable[[GuildSettings], GuildSettings],
        *,
        at: datetime | None = None,
    ) -> GuildSettings:
        check.snowflake(guild_id, "guild id")
        now = check.now_or(at)
        async with self._write() as conn:
            # A row to lock, so two processes editing one guild take turns: each edit
            # sees the other's change instead of writing back what it read before it.
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?) "
                "ON CONFLICT (guild_id) DO NOTHING",
                (guild_id, check.to_db(now)),
            )
            current = await self._guild_settings(conn, guild_id, self._FOR_UPDATE)
            edited = edit(current)
            if edited.guild_id != guild_id:
                raise InvalidInputError("an edit cannot move settings to another guild")
            valid = _checked(edited)
            await self._save_guild_settings(conn, valid, now)
        return valid

    async def _save_guild_settings(self, conn: Any, settings: GuildSettings, now: datetime) -> None:
        await conn.execute(
            "INSERT INTO guild_settings (guild_id, reminder_channel_id, digest_channel_id, "
            "confidence_threshold, log_channel_id, help_channel_id, mentor_role_id, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET "
            "reminder_channel_id = excluded.reminder_channel_id, "
            "digest_channel_id = excluded.digest_channel_id, "
            "confidence_threshold = excluded.confidence_threshold, "
            "log_channel_id = excluded.log_channel_id, "
            "help_channel_id = excluded.help_channel_id, "
            "mentor_role_id = excluded.mentor_role_id, "
            "updated_at = excluded.updated_at",
            (
                settings.guild_id,
                settings.reminder_channel_id,
                settings.digest_channel_id,
                settings.confidence_threshold,
                settings.log_channel_id,
                settings.help_channel_id,
                settings.mentor_role_id,
                check.to_db(now),
            ),
        )
        await conn.execute(
            "DELETE FROM guild_moderator_roles WHERE guild_id = ?", (settings.guild_id,)
        )
        await conn.executemany(
            "INSERT INTO guild_moderator_roles (guild_id, role_id) VALUES (?, ?)",
            [(settings.guild_id, role) for role in sorted(settings.moderator_role_ids)],
        )


def _checked(settings: GuildSettings) -> GuildSettings:
    """``settings`` validated, as stored (roles a frozenset, the threshold a fraction)."""
    if not isinstance(settings, GuildSettings):
        raise InvalidInputError("settings must be a storage.GuildSettings")
    check.snowflake(settings.guild_id, "guild id")
    check.optional_snowflake(settings.reminder_channel_id, "reminder channel id")
    check.optional_snowflake(settings.digest_channel_id, "digest channel id")
    check.optional_snowflake(settings.log_channel_id, "log channel id")
    check.optional_snowflake(settings.help_channel_id, "help channel id")
    check.optional_snowflake(settings.mentor_role_id, "mentor role id")
    roles = frozenset(settings.moderator_role_ids)
    for role in roles:
        check.snowflake(role, "moderator role id")
    threshold = settings.confidence_threshold
    if threshold is not None:
        threshold = check.fraction(threshold, "confidence threshold")
    return replace(settings, moderator_role_ids=roles, confidence_threshold=threshold)
