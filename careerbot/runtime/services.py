"""Background services the bot runs beside the gateway, started and stopped in order.

A service is anything with ``name``, ``async start()`` and ``async stop()``: the health
server, the corpus watcher, the reminder scheduler. :class:`Services` starts them in
the order they were added and stops them in the reverse order, so a service can rely
on the ones added before it for its whole life (the scheduler, added last, is stopped
first: no reminder goes out while the rest shuts down).

Stopping never raises and never hangs: each ``stop()`` gets ``timeout`` seconds, its
failures are logged, and the next one is stopped regardless, because a shutdown that
stops half-way leaves the database open.

Where it happens: :func:`careerbot.cli.run.run_bot` owns one :class:`Services` as
``bot.services``; anything (an extension's ``setup``, ``setup_hook``) may ``add`` to it
before the bot connects. ``run_bot`` starts them after login and, on SIGTERM/SIGINT or
when the bot stops, stops them before closing the Discord connection and the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)


class Service(Protocol):
    """``start`` may be a plain or a coroutine function (a scheduler that only creates
    its task needs no ``await``); ``stop`` is awaited."""

    name: str

    def start(self) -> Awaitable[None] | None: ...

    async def stop(self) -> None: ...


async def stop_loop(task: asyncio.Task[None] | None) -> None:
    """Cancel a service's background loop and wait until it has ended, so nothing it
    does outlives ``stop()``; every service with a loop stops it this one way."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@dataclass
class CallbackService:
    """A service from two coroutine functions, for code that has no class of its own."""

    name: str
    on_start: Callable[[], Awaitable[None]]
    on_stop: Callable[[], Awaitable[None]]

    async def start(self) -> None:
        await self.on_start()

    async def stop(self) -> None:
        await self.on_stop()


class Services:
    """An ordered set of services; see the module docstring."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._services: list[Service] = []
        self._started: list[Service] = []

    def add(self, service: Service) -> Service:
        """Register ``service``; started with the others, or now if they already are."""
        if any(s.name == service.name for s in self._services):
            raise ValueError(f"a service named {service.name!r} is already registered")
        self._services.append(service)
        return service

    @property
    def names(self) -> list[str]:
        return [s.name for s in self._services]

    @property
    def running(self) -> list[str]:
        return [s.name for s in self._started]

    async def start_all(self) -> None:
        """Start every service not started yet, in order. A failure stops the ones
        already started (reverse order) and is raised: the bot must not run half-up."""
        for service in self._services:
            if service in self._started:
                continue
            try:
                started = service.start()
                if inspect.isawaitable(started):
                    await started
            except BaseException:
                log.exception("service %s failed to start", service.name)
                await self.stop_all()
                raise
            self._started.append(service)
            log.info("started %s", service.name, extra={"service": service.name})

    async def stop_all(self) -> None:
        """Stop the started services, last started first; never raises."""
        while self._started:
            service = self._started.pop()
            try:
                await asyncio.wait_for(service.stop(), self.timeout)
            except TimeoutError:
                log.error("service %s did not stop within %.0f s", service.name, self.timeout)
            except Exception:
                log.exception("service %s failed to stop cleanly", service.name)
            else:
                log.info("stopped %s", service.name, extra={"service": service.name})
