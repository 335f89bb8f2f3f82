"""A fake clock for the scheduler: tests advance time instead of sleeping."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest


class FakeTime:
    """``now()`` and ``sleep()`` for :class:`ReminderScheduler`.

    ``auto=True``: a sleep advances the clock by its length at once (the loop runs
    through days of schedule in milliseconds). ``auto=False``: a sleep never ends by
    itself, so only :meth:`ReminderScheduler.wake` can end it; the requested lengths
    are recorded either way.
    """

    def __init__(self, start: datetime, *, auto: bool = True) -> None:
        self.current = start
        self.auto = auto
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.auto:
            self.current += timedelta(seconds=seconds)
            await asyncio.sleep(0)
        else:
            await asyncio.Event().wait()


@pytest.fixture
def fake_time_factory() -> type[FakeTime]:
    return FakeTime
