"""Question-log writes that buttons already point at but that may not have landed yet.

The bot sends an answer first and logs the question after (:mod:`careerbot.core.answering`),
under the Discord id its feedback buttons carry. A member clicks a button seconds
later, long after the write; this registry covers the rare click that beats it (a
write queued behind a slow disk) so the vote waits for the row instead of being told
the answer is not on record. Tests use :meth:`PendingWrites.drain` to read the log
only once every write in flight has finished.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator


class PendingWrites:
    """Keys (question-log ids) whose writes are still in flight."""

    def __init__(self) -> None:
        self._writes: dict[int, asyncio.Future[None]] = {}

    @contextlib.contextmanager
    def writing(self, key: int) -> Iterator[None]:
        """``key``'s write is in flight for the duration of the block, whatever its end."""
        future = asyncio.get_running_loop().create_future()
        self._writes[key] = future
        try:
            yield
        finally:
            if self._writes.get(key) is future:
                del self._writes[key]
            future.set_result(None)

    async def settled(self, key: int) -> None:
        """Return once ``key`` has no write in flight (at once, almost always)."""
        future = self._writes.get(key)
        if future is not None:
            await asyncio.shield(future)

    async def drain(self) -> None:
        """Return once every write in flight now has finished."""
        waiting = list(self._writes.values())
        if waiting:
            await asyncio.gather(*(asyncio.shield(f) for f in waiting))

    def __len__(self) -> int:
        return len(self._writes)
