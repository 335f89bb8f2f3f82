"""Waiting for something another connection or process does, without timing it.

For state the fake Discord does not see (it has its own ``wait_until``): a notice
delivered over PostgreSQL, a reload in another stack. The timeout is only a bound
that fails a test which would otherwise hang; never an assertion about speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

GENEROUS_SECONDS = 20.0


async def eventually(
    check: Callable[[], T | None], what: str, timeout: float = GENEROUS_SECONDS
) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = check()
        if found:
            return found
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s")
        await asyncio.sleep(0.01)
