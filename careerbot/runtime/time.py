"""The process's one idea of time, so that every loop and rule can be given a fake one.

``Clock`` is wall time (aware, UTC): what reminders, the digest and the scheduler
compare with stored times. ``Ticks`` is a count of seconds: ``time.monotonic`` for
durations that must not jump with the wall clock (cooldowns), ``time.time`` where the
other side counts in Unix seconds (Discord ids, for interaction ages). Both are plain
callables, so a test passes a fake and nothing needs patching.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
Ticks = Callable[[], float]


def utc_now() -> datetime:
    """Now, aware, in UTC: the default :data:`Clock`."""
    return datetime.now(UTC)
