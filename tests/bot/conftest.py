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

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.fakediscord import BotRunner, ErrorCollector, FakeDiscord


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
