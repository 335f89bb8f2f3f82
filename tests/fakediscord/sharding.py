"""Discord's sharding rules for the fake: routing, IDENTIFY validation and pacing, nonces.

Kept out of ``server`` because each rule here is a small, separately testable piece of
Discord's documented behaviour (Gateway > Sharding; Create Message > ``enforce_nonce``):

* **Routing.** A guild's events go to the shard ``(guild_id >> 22) % shard_count``;
  DMs and other guild-less events go to shard 0. A session that identified without a
  ``shard`` is ``[0, 1]`` and so receives everything.
* **IDENTIFY validation.** ``shard`` must be ``[shard_id, shard_count]`` with
  ``0 <= shard_id < shard_count``, else the gateway closes with 4010 "Invalid shard".
  Discord accepts any shard count at least as large as it needs; it closes with 4011
  "Sharding required" only when a session would hold too many guilds
  (``max_guilds_per_shard``, 2,500 on Discord). The fake's ``shard_count`` is therefore
  the *recommended* count that ``GET /gateway/bot`` reports, not a required one.
* **IDENTIFY pacing.** Shards share a rate-limit bucket ``shard_id % max_concurrency``;
  each bucket allows one IDENTIFY per 5 seconds. An IDENTIFY over that limit is answered
  with op 9 Invalid Session (as the Gateway docs say) and recorded, so the test fails.
* **Nonces.** A message created with ``nonce`` and ``enforce_nonce: true`` whose nonce
  the same author used within the last few minutes is not created again: Discord answers
  with the message already created.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import payloads as p

#: Close codes for IDENTIFY's shard field.
CLOSE_INVALID_SHARD = 4010
CLOSE_SHARDING_REQUIRED = 4011

#: Discord's IDENTIFY window per rate-limit bucket, in seconds.
IDENTIFY_INTERVAL = 5.0
#: Discord's most guilds per shard.
MAX_GUILDS_PER_SHARD = 2500
#: How long the fake remembers an enforced nonce. Discord only says "the past few
#: minutes"; three minutes is at the low end of that, so a bot that relies on the window
#: must resend sooner than this to be deduplicated.
NONCE_WINDOW = 180.0
#: Discord's longest nonce (a string of at most 25 characters, or an integer).
MAX_NONCE_CHARS = 25

#: Events whose guild is ``data["id"]`` rather than ``data["guild_id"]``.
_GUILD_ID_IS_ID = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_for(guild_id: int | None, shard_count: int) -> int:
    """The shard that receives ``guild_id``'s events (shard 0 for DMs, ``None``)."""
    if guild_id is None or shard_count <= 1:
        return 0
    return (int(guild_id) >> 22) % shard_count


def event_guild_id(event: str, data: dict[str, Any]) -> int | None:
    """The guild an event belongs to, or ``None`` (DMs, application events)."""
    raw = data.get("guild_id")
    if raw is None and event in _GUILD_ID_IS_ID:
        raw = data.get("id")
    return int(raw) if raw is not None else None


def session_receives(shard: list[int], event: str, data: dict[str, Any]) -> bool:
    """Whether a session identified as ``shard`` gets this event."""
    shard_id, count = shard
    return shard_for(event_guild_id(event, data), count) == shard_id


def shard_problem(raw: Any) -> str | None:
    """Why an IDENTIFY's ``shard`` field is invalid (4010), or ``None`` if it is fine."""
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        return "shard must be [shard_id, shard_count]"
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
        return "shard values must be integers"
    shard_id, count = raw
    if count < 1 or not 0 <= shard_id < count:
        return f"shard {shard_id} is not in 0..{count - 1}"
    return None


@dataclass(frozen=True)
class IdentifyRecord:
    """One IDENTIFY the fake accepted or refused for pacing."""

    shard: tuple[int, int]
    bucket: int
    at: float
    paced: bool


@dataclass
class IdentifyLimiter:
    """One IDENTIFY per ``interval`` seconds per bucket ``shard_id % max_concurrency``."""

    max_concurrency: int = 1
    interval: float = IDENTIFY_INTERVAL
    clock: Callable[[], float] = time.monotonic
    records: list[IdentifyRecord] = field(default_factory=list)
    _last: dict[int, float] = field(default_factory=dict)

    def bucket(self, shard_id: int) -> int:
        return shard_id % self.max_concurrency

    def admit(self, shard: list[int]) -> IdentifyRecord:
        """Record an IDENTIFY; ``paced`` is False when it came too soon in its bucket
        (it then does not count as the bucket's IDENTIFY: Discord refused it)."""
        now = self.clock()
        key = self.bucket(shard[0])
        last = self._last.get(key)
        paced = last is None or now - last >= self.interval
        if paced:
            self._last[key] = now
        record = IdentifyRecord((shard[0], shard[1]), key, now, paced)
        self.records.append(record)
        return record

    @property
    def violations(self) -> list[IdentifyRecord]:
        return [r for r in self.records if not r.paced]


@dataclass
class NonceCache:
    """Enforced nonces of one author (the bot), remembered for ``window`` seconds."""

    window: float = NONCE_WINDOW
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, tuple[float, int]] = field(default_factory=dict)
    hits: int = 0
    """Creates answered with an earlier message instead of a new one."""

    def earlier(self, nonce: str) -> int | None:
        """The id of the message created with ``nonce`` within the window, if any."""
        found = self._seen.get(nonce)
        if found is None or self.clock() - found[0] > self.window:
            return None
        self.hits += 1
        return found[1]

    def remember(self, nonce: str, message_id: int) -> None:
        self._seen[nonce] = (self.clock(), message_id)


def enforced_nonce(body: dict[str, Any]) -> str | None:
    """The nonce Discord checks for uniqueness, or ``None`` (no nonce, or not enforced)."""
    nonce = body.get("nonce")
    if nonce is None or not body.get("enforce_nonce"):
        return None
    return str(nonce)


def nonce_problem(body: dict[str, Any]) -> str | None:
    """Discord's nonce limits: an integer or a string of at most 25 characters."""
    nonce = body.get("nonce")
    if nonce is None or isinstance(nonce, int):
        return None
    if not isinstance(nonce, str) or len(nonce) > MAX_NONCE_CHARS:
        return f"nonce must be an integer or a string of at most {MAX_NONCE_CHARS} characters"
    return None


def guild_snowflake(snowflakes: p.SnowflakeGenerator, shard_id: int, shard_count: int) -> int:
    """A new guild id that lands on ``shard_id`` of ``shard_count``.

    The shard depends on the id's millisecond, so this waits for a millisecond that
    fits (at most ``shard_count`` of them).
    """
    if not 0 <= shard_id < shard_count:
        raise ValueError(f"shard {shard_id} is not in 0..{shard_count - 1}")
    while True:
        snowflake = snowflakes.next()
        if shard_for(snowflake, shard_count) == shard_id:
            return snowflake
        time.sleep(0.0005)
