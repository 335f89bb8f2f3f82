"""Open gaps (``/kb gaps``) as moderators act on them from Discord.

A gap is a group of logged questions with the same normalised text; its example text
can be far longer than the 100 characters a component's custom id or a select value
may carry, and it belongs to members (it goes when they are forgotten). So a gap
travels as a short token of its normalised key, and every action re-reads it from
storage with the same window and guild rules as the list: what a moderator acts on
is always what storage still keeps, and a gap that is gone is reported, not guessed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from careerbot.core.kb_stats import stats_window
from storage import GapRow, Storage

#: Hex characters of the key's SHA-256 kept in a token: short enough for any custom
#: id, long enough that two gaps of one window never share one.
TOKEN_CHARS = 16
#: How far down the list a gap is still found (storage's own cap on ``limit``): a gap
#: shown in the top few is far above it.
SEARCH_LIMIT = 1000


def gap_token(key: str) -> str:
    """The stable token of a gap's normalised key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:TOKEN_CHARS]


#: The last ``days`` days, as ``/kb stats`` counts them (one rule for both lists).
gap_window = stats_window


async def open_gaps(
    db: Storage, guild_id: int, days: int, *, limit: int, now: datetime | None = None
) -> list[GapRow]:
    """The guild's most asked open gaps of the last ``days`` days, as ``/kb gaps`` lists them."""
    since, until = gap_window(days, now)
    return await db.question_gaps(since, until, guild_id=guild_id, limit=limit)


async def find_gap(
    db: Storage, guild_id: int, days: int, token: str, *, now: datetime | None = None
) -> GapRow | None:
    """The gap ``token`` names, read again; ``None`` when it is no longer open there (its
    questions fell out of the window, or their members were forgotten)."""
    for row in await open_gaps(db, guild_id, days, limit=SEARCH_LIMIT, now=now):
        if gap_token(row.key) == token:
            return row
    return None
