"""What several bot processes on one database must agree on: who may ask now (the
question cooldown) and who posts this week's digest in a server.

Each decision is one atomic statement, so it holds on PostgreSQL with any number of
processes as on SQLite: an upsert that only takes effect when the cooldown is over
(``ON CONFLICT ... DO UPDATE ... WHERE``), an insert that only one caller can make
(``ON CONFLICT DO NOTHING``). ``RETURNING`` says who won.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from storage import validate as check
from storage.errors import InvalidInputError
from storage.models import CooldownTurn
from storage.sqlite.base import SqliteBase

#: A longer cooldown than a day is a mistake, not a setting.
MAX_COOLDOWN_SECONDS = 86_400
MAX_WEEK_LEN = 16

_ALLOW_SQL = (
    "INSERT INTO ask_cooldowns (member_id, last_ms, warned) VALUES (?, ?, FALSE) "
    "ON CONFLICT (member_id) DO UPDATE SET last_ms = excluded.last_ms, warned = FALSE "
    "WHERE ask_cooldowns.last_ms <= ? RETURNING last_ms"
)
_FIRST_REFUSAL_SQL = (
    "UPDATE ask_cooldowns SET warned = TRUE WHERE member_id = ? AND warned = FALSE "
    "RETURNING last_ms"
)


class CoordinationMixin(SqliteBase):
    """The shared question cooldown and the weekly digest claims."""

    async def take_cooldown(
        self, member_id: int, seconds: float, *, now: datetime | None = None
    ) -> CooldownTurn:
        check.snowflake(member_id, "member id")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise InvalidInputError("seconds must be a number")
        if not 0 <= seconds <= MAX_COOLDOWN_SECONDS or math.isnan(seconds):
            raise InvalidInputError(f"seconds must be 0-{MAX_COOLDOWN_SECONDS}")
        at = datetime.now(UTC) if now is None else check.aware(now, "time")
        now_ms = math.floor(at.timestamp() * 1000)
        wait_ms = math.ceil(seconds * 1000)
        allowed = await self._write_one(_ALLOW_SQL, (member_id, now_ms, now_ms - wait_ms))
        if allowed:
            return CooldownTurn(True, 0.0, False)
        # Refused: the wait is not restarted; only whether they were told changes.
        async with self._write() as conn:
            flipped = await self._fetch(conn, _FIRST_REFUSAL_SQL, (member_id,))
            found = flipped or await self._fetch(
                conn, "SELECT last_ms FROM ask_cooldowns WHERE member_id = ?", (member_id,)
            )
        if not found:  # forgotten in between: nothing holds them back
            return CooldownTurn(True, 0.0, False)
        left_ms = min(wait_ms, max(0, int(found[0]["last_ms"]) + wait_ms - now_ms))
        return CooldownTurn(False, left_ms / 1000, bool(flipped))

    async def claim_digest(self, guild_id: int, week: str, *, at: datetime | None = None) -> bool:
        check.snowflake(guild_id, "guild id")
        check.text(week, "week", MAX_WEEK_LEN)
        found = await self._write_one(
            "INSERT INTO digest_posts (guild_id, week, claimed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, week) DO NOTHING RETURNING guild_id",
            (guild_id, week, check.to_db(check.now_or(at))),
        )
        return bool(found)

    async def release_digest(self, guild_id: int, week: str) -> None:
        check.snowflake(guild_id, "guild id")
        check.text(week, "week", MAX_WEEK_LEN)
        await self._write_one(
            "DELETE FROM digest_posts WHERE guild_id = ? AND week = ? RETURNING guild_id",
            (guild_id, week),
        )
