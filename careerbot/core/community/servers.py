"""Which servers a DM question can be handed to: those the member shares with the bot
that have a help channel.

A DM has no server, so "Ask the community" there needs to know where the member is a
member. The bot has no member list (the members intent is privileged and it does not
ask for it), so each server is asked about the one member (one request per server).
That stays cheap because:

* only servers with a help channel are asked about (one query gives them);
* at most :data:`MAX_SERVERS` per lookup (a select menu holds 25), at most
  :data:`PARALLEL` at a time, and the whole lookup gives up after
  :data:`LOOKUP_SECONDS` with what it knows (a member's answer waits on it);
* answers are kept :data:`KEEP_SECONDS` per member and server, yes and no alike, so
  the abstention, the button and the consent step ask once. A lookup that failed is
  not kept (it said nothing about the member).

Asking the member to say which server they meant would be cheaper, but a member must
never be able to post into a server they are not in, so the check is needed anyway.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from careerbot.runtime.time import Ticks

log = logging.getLogger(__name__)

#: A select menu holds 25 options: more servers than that could not be offered anyway.
MAX_SERVERS = 25
#: Requests in flight at once for one lookup.
PARALLEL = 5
#: The most one lookup may take; the member's answer waits on it.
LOOKUP_SECONDS = 3.0
#: How long an answer about one member and one server is trusted.
KEEP_SECONDS = 600.0
#: Most (member, server) answers kept (oldest dropped first).
KEEP_MAX = 20_000

IsMember = Callable[[int, int], Awaitable[bool | None]]
"""``(server_id, member_id)``: True or False, or None when it could not be told."""


class SharedServers:
    """Which of some servers a member is in, asked about once per :data:`KEEP_SECONDS`."""

    def __init__(
        self,
        *,
        keep: float = KEEP_SECONDS,
        limit: int = KEEP_MAX,
        timeout: float = LOOKUP_SECONDS,
        clock: Ticks = time.monotonic,
    ) -> None:
        self._keep = keep
        self._limit = limit
        self._timeout = timeout
        self._clock = clock
        self._known: OrderedDict[tuple[int, int], tuple[float, bool]] = OrderedDict()

    async def of(self, member_id: int, candidates: Sequence[int], is_member: IsMember) -> list[int]:
        """The ``candidates`` (the first :data:`MAX_SERVERS`) that ``member_id`` is in,
        in the order given."""
        wanted = list(dict.fromkeys(candidates))[:MAX_SERVERS]
        unknown = [server for server in wanted if self._cached(server, member_id) is None]
        if unknown:
            await self._ask(member_id, unknown, is_member)
        return [server for server in wanted if self._cached(server, member_id)]

    def forget_member(self, member_id: int) -> int:
        """Drop what is known about ``member_id`` (they asked to be forgotten)."""
        gone = [key for key in self._known if key[1] == member_id]
        for key in gone:
            del self._known[key]
        return len(gone)

    def __len__(self) -> int:
        return len(self._known)

    async def _ask(self, member_id: int, servers: list[int], is_member: IsMember) -> None:
        gate = asyncio.Semaphore(PARALLEL)

        async def one(server: int) -> None:
            async with gate:
                try:
                    found = await is_member(server, member_id)
                except Exception:  # one server's trouble must not cost the others
                    log.exception("could not tell if %s is in server %s", member_id, server)
                    return
            if found is not None:
                self._remember(server, member_id, found)

        tasks = [asyncio.ensure_future(one(server)) for server in servers]
        _, pending = await asyncio.wait(tasks, timeout=self._timeout)
        for task in pending:
            task.cancel()
        if pending:
            log.warning(
                "membership lookup for %s gave up on %d of %d server(s) after %.1f s",
                member_id,
                len(pending),
                len(servers),
                self._timeout,
            )
            await asyncio.gather(*pending, return_exceptions=True)

    def _cached(self, server: int, member_id: int) -> bool | None:
        found = self._known.get((server, member_id))
        if found is None or self._clock() - found[0] >= self._keep:
            return None
        return found[1]

    def _remember(self, server: int, member_id: int, found: bool) -> None:
        key = (server, member_id)
        self._known[key] = (self._clock(), found)
        self._known.move_to_end(key)
        while len(self._known) > self._limit:
            self._known.popitem(last=False)
