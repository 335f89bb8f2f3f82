"""Per-member cooldown for questions (/ask and DMs share one), with an injectable clock.

discord.py's own ``app_commands.checks.cooldown`` only covers slash commands and reports
through the error handler; members also ask in DMs, and a DM flood must not make the
bot flood back. So the rule lives here, pure and testable without Discord or sleeping:

* a member may ask once every ``seconds``;
* a refused attempt does not restart the wait (mashing Enter cannot lock anyone out);
* ``warn`` is true only for the first refusal since the member's last accepted
  question, so a DM spammer gets one "slow down" instead of one per message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from careerbot.runtime.time import Ticks


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: float
    """Seconds until the member may ask again (0 when allowed)."""
    warn: bool
    """Whether to tell the member to slow down (the first refusal in a row)."""


_ALLOWED = Verdict(True, 0.0, False)


class AskCooldown(Protocol):
    """What the bot asks of a cooldown: this process's memory (:class:`Cooldown`, one
    process on SQLite) or the database (``SharedCooldown``, several on PostgreSQL)."""

    seconds: float

    async def verdict(self, key: int) -> Verdict: ...

    async def forget(self, key: int) -> None: ...


class Cooldown:
    """Remembers when each member last asked; see the module docstring for the rule."""

    def __init__(
        self, seconds: float, *, clock: Ticks = time.monotonic, prune_above: int = 10_000
    ) -> None:
        if seconds < 0:
            raise ValueError("a cooldown cannot be negative")
        self.seconds = seconds
        self._clock = clock
        self._prune_above = prune_above
        self._last: dict[int, float] = {}
        self._warned: set[int] = set()

    def __len__(self) -> int:
        return len(self._last)

    def check(self, key: int) -> Verdict:
        """Record an attempt by ``key`` and say whether it may go ahead."""
        if self.seconds <= 0:
            return _ALLOWED
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.seconds:
            warn = key not in self._warned
            self._warned.add(key)
            return Verdict(False, self.seconds - (now - last), warn)
        self._last[key] = now
        self._warned.discard(key)
        if len(self._last) > self._prune_above:
            self._prune(now)
        return _ALLOWED

    def reset(self, key: int) -> None:
        """Forget ``key`` (used when a member asks the bot to forget them)."""
        self._last.pop(key, None)
        self._warned.discard(key)

    async def verdict(self, key: int) -> Verdict:
        """:meth:`check`, as the bot asks every cooldown (see :class:`AskCooldown`)."""
        return self.check(key)

    async def forget(self, key: int) -> None:
        """:meth:`reset`, as the bot asks every cooldown."""
        self.reset(key)

    def _prune(self, now: float) -> None:
        """Drop members whose cooldown is over, so memory follows active members only."""
        expired = [k for k, at in self._last.items() if now - at >= self.seconds]
        for key in expired:
            del self._last[key]
            self._warned.discard(key)
