"""The question cooldown when several processes serve one bot (PostgreSQL).

:class:`careerbot.core.cooldowns.Cooldown` keeps the rule in memory, which is right for
one process. With several, a member whose questions reach two processes would get
twice the rate, so this keeps the same rule (one question per ``seconds``; a refusal
does not restart the wait; told once per burst) in the database, where one atomic
statement decides (``Storage.take_cooldown``).

If the database cannot be reached, the process falls back to its own memory for
that attempt: a member's question must not fail because the cooldown could not be
looked up, and the in-memory rule still stops a flood at this process.
"""

from __future__ import annotations

import logging
import time

from careerbot.core.cooldowns import Cooldown, Verdict
from careerbot.runtime.time import Clock, Ticks, utc_now
from storage import Storage, StorageError

log = logging.getLogger(__name__)


class SharedCooldown:
    """The cooldown of :mod:`careerbot.core.cooldowns`, kept in ``db``."""

    def __init__(
        self,
        db: Storage,
        seconds: float,
        *,
        clock: Clock = utc_now,
        fallback_ticks: Ticks = time.monotonic,
    ) -> None:
        if seconds < 0:
            raise ValueError("a cooldown cannot be negative")
        self.db = db
        self.seconds = seconds
        self._clock = clock
        self._fallback = Cooldown(seconds, clock=fallback_ticks)

    async def verdict(self, key: int) -> Verdict:
        """Record an attempt by member ``key`` and say whether it may go ahead."""
        if self.seconds <= 0:
            return Verdict(True, 0.0, False)
        try:
            turn = await self.db.take_cooldown(key, self.seconds, now=self._clock())
        except StorageError as exc:
            log.warning("shared cooldown unavailable, using this process's: %s", exc)
            return self._fallback.check(key)
        return Verdict(turn.allowed, turn.retry_after, turn.first_refusal)

    async def forget(self, key: int) -> None:
        """Nothing to do in the database: ``forget_member`` deleted the row already."""
        self._fallback.reset(key)
