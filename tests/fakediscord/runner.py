"""Run a real discord.py client against the fake, and catch the errors it would hide.

discord.py swallows exceptions from commands, views and event handlers: it logs them and
moves on. A test that only looks at the fake's request log would then pass while the
bot crashed halfway. :class:`ErrorCollector` captures those logged errors (and errors
reaching ``tree.on_error``) so teardown can fail on them; :class:`BotRunner` starts a
client as a task, waits for ``on_ready`` (failing fast if the task dies) and closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
from discord import app_commands

from .server import BotCrashed, FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


@dataclass
class CapturedError:
    """An error the bot produced: a logged ERROR record, or one passed to tree.on_error."""

    source: str  # "log" or "tree"
    logger: str
    message: str
    exc: BaseException | None = None
    expected: bool = False

    def __str__(self) -> str:
        exc = f" [{type(self.exc).__name__}: {self.exc}]" if self.exc is not None else ""
        return f"{self.source}:{self.logger}: {self.message}{exc}"


@dataclass
class _Expectation:
    pattern: re.Pattern[str] | None
    exc_type: type[BaseException] | None
    logger: str | None
    used: int = 0


class ErrorCollector(logging.Handler):
    """A logging handler (ERROR and up, root logger) plus a tree.on_error recorder.

    It sits on the root logger so it hears ``discord.*`` (command, view and event
    errors), ``asyncio`` (exceptions nobody retrieved) and the app's own loggers. Tests
    that provoke an error on purpose declare it with :meth:`expect`; anything else fails
    :meth:`assert_clean` (which the ``discord_errors`` fixture calls at teardown).
    """

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[CapturedError] = []
        self._expectations: list[_Expectation] = []

    # -- capture ----------------------------------------------------------------------
    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        self._add(CapturedError("log", record.name, record.getMessage(), exc))

    def record_tree_error(self, interaction: discord.Interaction, error: BaseException) -> None:
        name = interaction.command.qualified_name if interaction.command else "?"
        self._add(CapturedError("tree", "app_commands.tree", f"/{name} failed", error))

    def _add(self, error: CapturedError) -> None:
        error.expected = any(self._matches(e, error) for e in self._expectations)
        self.errors.append(error)

    def install(self) -> None:
        logging.getLogger().addHandler(self)

    def uninstall(self) -> None:
        logging.getLogger().removeHandler(self)

    def hook_tree(self, tree: app_commands.CommandTree[Any]) -> None:
        """Record every error that reaches ``tree.on_error``, then run the original.

        The instance attribute shadows the class method, so the bot's own on_error
        (overridden in a subclass or not) still runs and still decides what users see.
        """
        original = tree.on_error

        async def on_error(interaction: discord.Interaction, error: Exception, /) -> None:
            self.record_tree_error(interaction, error)
            await original(interaction, error)

        tree.on_error = on_error  # type: ignore[method-assign]

    # -- expectations -----------------------------------------------------------------
    def expect(
        self,
        match: str | None = None,
        *,
        exc_type: type[BaseException] | None = None,
        logger: str | None = None,
    ) -> None:
        """Declare errors this test provokes on purpose (message regex / exception type /
        logger-name prefix); matching ones, earlier or later, do not fail teardown."""
        expectation = _Expectation(re.compile(match) if match else None, exc_type, logger)
        self._expectations.append(expectation)
        for error in self.errors:
            if self._matches(expectation, error):
                error.expected = True

    @staticmethod
    def _matches(expectation: _Expectation, error: CapturedError) -> bool:
        if expectation.logger and not error.logger.startswith(expectation.logger):
            return False
        if expectation.exc_type is not None:
            exc = error.exc
            chain = [exc, getattr(exc, "original", None), getattr(exc, "__cause__", None)]
            if not any(isinstance(e, expectation.exc_type) for e in chain if e is not None):
                return False
        if expectation.pattern is not None:
            text = f"{error.message} {error.exc!r}"
            if not expectation.pattern.search(text):
                return False
        expectation.used += 1
        return True

    def unexpected(self) -> list[CapturedError]:
        return [e for e in self.errors if not e.expected]

    def matching(
        self, exc_type: type[BaseException] | None = None, match: str | None = None
    ) -> list[CapturedError]:
        """Captured errors with this exception type (also unwrapped) / message regex."""
        probe = _Expectation(re.compile(match) if match else None, exc_type, None)
        return [e for e in self.errors if self._matches(probe, e)]

    def assert_clean(self) -> None:
        unexpected = self.unexpected()
        if unexpected:
            lines = "\n  ".join(str(e) for e in unexpected)
            raise AssertionError(
                f"the bot logged {len(unexpected)} unexpected error(s):\n  {lines}"
            )


@dataclass
class _Running:
    client: discord.Client
    task: asyncio.Task[None]


class BotRunner:
    """Starts clients against a fake and shuts them down cleanly.

    ``start`` runs ``client.start(token)`` as a task and returns once the client is
    ready; ``stop`` closes it and awaits the task; ``stop_all`` (fixture teardown) stops
    whatever is still running, then re-raises if a bot task had crashed.
    """

    def __init__(self, fake: FakeDiscord, errors: ErrorCollector | None = None) -> None:
        self.fake = fake
        self.errors = errors
        self._running: list[_Running] = []

    async def start(
        self,
        client: ClientT,
        *,
        token: str | None = None,
        ready_timeout: float = 5.0,
        guild_ready_timeout: float | None = 0.01,
        tree: app_commands.CommandTree[Any] | None = None,
    ) -> ClientT:
        """Start ``client`` and wait for ``on_ready``; raises if its task dies first.

        discord.py waits ``guild_ready_timeout`` seconds (default 2) after the last
        GUILD_CREATE before on_ready; the runner shortens that on the client's
        connection state (a private attribute) unless ``guild_ready_timeout`` is None.
        The command tree (``client.tree`` if it exists, or ``tree``) gets its on_error
        hooked into the error collector.
        """
        if guild_ready_timeout is not None:
            client._connection.guild_ready_timeout = guild_ready_timeout
        tree = tree if tree is not None else getattr(client, "tree", None)
        if self.errors is not None and isinstance(tree, app_commands.CommandTree):
            self.errors.hook_tree(tree)
        task = asyncio.create_task(client.start(token or self.fake.token), name="bot-under-test")
        self._running.append(_Running(client, task))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ready_timeout
        while not client.is_ready():
            if task.done():
                exc = task.exception() if not task.cancelled() else None
                raise BotCrashed(f"the bot stopped before it was ready: {exc!r}") from exc
            if loop.time() > deadline:
                raise TimeoutError(f"the bot was not ready within {ready_timeout}s")
            await asyncio.sleep(0.002)
        self.fake.watch(task)
        return client

    async def stop(self, client: discord.Client, *, timeout: float = 5.0) -> None:
        """Close ``client`` and wait for its task; re-raises a crash of that task."""
        for running in list(self._running):
            if running.client is client:
                self._running.remove(running)
                await self._shutdown(running, timeout)

    async def stop_all(self, *, timeout: float = 5.0) -> None:
        crashes: list[BaseException] = []
        while self._running:
            running = self._running.pop()
            try:
                await self._shutdown(running, timeout)
            except BaseException as exc:  # keep shutting the others down
                crashes.append(exc)
        if crashes:
            raise crashes[0]

    async def _shutdown(self, running: _Running, timeout: float) -> None:
        self.fake.unwatch(running.task)
        crashed = running.task.done() and not running.task.cancelled()
        crash = running.task.exception() if crashed else None
        await running.client.close()
        if not running.task.done():
            try:
                await asyncio.wait_for(asyncio.shield(running.task), timeout)
            except TimeoutError:
                running.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running.task
        elif crash is not None:
            raise BotCrashed(f"the bot task had crashed: {crash!r}") from crash
        if running.task.done() and not running.task.cancelled():
            exc = running.task.exception()
            if exc is not None:
                raise BotCrashed(f"the bot task ended with {exc!r}") from exc
