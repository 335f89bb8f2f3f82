"""Fixtures for end-to-end bot tests: a started fake Discord, a bot runner, an error net.

Use them together::

    async def test_something(fake_discord, bot_runner, discord_errors):
        bot = await bot_runner.start(MyBot())
        ix = await fake_discord.send_slash_command("ask", {"question": "..."})
        assert "..." in (await ix.wait_for_reply())["content"]

Teardown order matters and pytest gives it for free from the dependencies: bots are
closed first (``bot_runner``), then the fake stops and checks it saw no unknown route or
invalid payload (``fake_discord``), then logged errors are checked (``discord_errors``).

Configure the fake per test with a marker, e.g.
``@pytest.mark.fake_discord(allowed_privileged_intents=0)``; its keyword arguments go to
:class:`tests.fakediscord.FakeDiscord`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.client import CareerBot, make_bot
from careerbot.runtime.settings import Settings
from knowledge import KnowledgeBase
from storage import Storage, open_storage
from tests.fakediscord import DEFAULT_TOKEN, BotRunner, ErrorCollector, FakeDiscord


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fake_discord(**kwargs): keyword arguments for the FakeDiscord fixture"
    )


@pytest.fixture
def discord_errors() -> Iterator[ErrorCollector]:
    """Collects ERROR logs (discord.*, asyncio, the app) and tree.on_error calls.

    Fails the test at teardown if any was not declared with ``discord_errors.expect(...)``.
    """
    collector = ErrorCollector()
    collector.install()
    try:
        yield collector
    finally:
        collector.uninstall()
    collector.assert_clean()


@pytest.fixture
async def fake_discord(request: pytest.FixtureRequest) -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord with discord.py's REST base and gateway pointed at it.

    At teardown the globals are restored, the server stops, and the test fails if the
    bot called a route the fake does not know or sent a payload Discord would reject
    (tests that do so on purpose clear ``fake.unhandled_requests`` /
    ``fake.invalid_requests`` after asserting on them).
    """
    marker = request.node.get_closest_marker("fake_discord")
    kwargs = dict(marker.kwargs) if marker is not None else {}
    fake = FakeDiscord(**kwargs)
    await fake.start()
    try:
        with fake.patch_discord():
            yield fake
    finally:
        await fake.stop()
    fake.assert_clean()


@pytest.fixture
async def bot_runner(
    fake_discord: FakeDiscord, discord_errors: ErrorCollector
) -> AsyncIterator[BotRunner]:
    """Starts bots against ``fake_discord`` (``await bot_runner.start(bot)``), waits until
    they are ready, hooks their command tree into ``discord_errors``, and closes every
    bot it started at teardown (re-raising if a bot task crashed)."""
    runner = BotRunner(fake_discord, discord_errors)
    try:
        yield runner
    finally:
        await runner.stop_all()


# ------------------------------------------------------------------ careerbot ---
# Fixtures for careerbot's own end-to-end tests (tests/bot/test_*.py, tests/bot/exts/).


@pytest.fixture(scope="session")
def knowledge_base() -> KnowledgeBase:
    """The real corpus, loaded once per session (about a second): bots only read it.
    A test that reloads a corpus builds its own KnowledgeBase on a copy."""
    return KnowledgeBase.load()


@pytest.fixture
def bot_settings(tmp_path: Path) -> Settings:
    """Test settings: the fake's token, a database in tmp_path, no cooldown (tests that
    need one ask for it), and no .env file from the working directory."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=DEFAULT_TOKEN,
        database_path=tmp_path / "careerbot.sqlite3",
        ask_cooldown_seconds=0,
    )


@pytest.fixture
async def db(bot_settings: Settings) -> AsyncIterator[Storage]:
    async with await open_storage(bot_settings.database_path) as store:
        yield store


@dataclass
class CareerHarness:
    """Starts real CareerBots against the fake, sharing one store and corpus, so a test
    can restart the bot and find its data (and buttons) still there."""

    fake: FakeDiscord
    runner: BotRunner
    errors: ErrorCollector
    kb: KnowledgeBase
    db: Storage
    settings: Settings
    bots: list[CareerBot] = field(default_factory=list)

    async def start(
        self,
        *,
        sync: bool = True,
        kb: KnowledgeBase | None = None,
        clock: Callable[[], float] | None = None,
        ready_timeout: float = 5.0,
        **changes: Any,
    ) -> CareerBot:
        """A ready CareerBot (sharded when ``changes`` set a shard count, as
        ``careerbot run`` builds it); ``changes`` override settings fields, ``clock``
        drives the cooldown. Commands are synced (globally) unless ``sync=False``, as
        ``careerbot run --sync`` would."""
        settings = self.settings.model_copy(update=changes) if changes else self.settings
        options: dict[str, Any] = {"clock": clock} if clock is not None else {}
        bot = make_bot(settings, kb or self.kb, self.db, sync_on_start=sync, **options)
        self.bots.append(bot)
        return await self.runner.start(bot, ready_timeout=ready_timeout)

    async def stop(self, bot: CareerBot) -> None:
        await bot.log_writes.drain()  # as run_bot's shutdown lets handlers finish
        await self.runner.stop(bot)

    async def logged(self) -> None:
        """Wait until every question answered so far is in the log: the bot writes
        it just after sending the answer the test has already seen."""
        for bot in self.bots:
            await bot.log_writes.drain()


@pytest.fixture
async def careerbot(
    fake_discord: FakeDiscord,
    bot_runner: BotRunner,
    discord_errors: ErrorCollector,
    knowledge_base: KnowledgeBase,
    db: Storage,
    bot_settings: Settings,
) -> AsyncIterator[CareerHarness]:
    """A :class:`CareerHarness`; bots are stopped before the store closes."""
    harness = CareerHarness(
        fake_discord, bot_runner, discord_errors, knowledge_base, db, bot_settings
    )
    try:
        yield harness
    finally:
        await harness.logged()
        await bot_runner.stop_all()
