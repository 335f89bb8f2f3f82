"""``run_bot`` and ``sync_commands`` (what ``careerbot run`` / ``sync`` call), against
the fake: they open the corpus and the store themselves and close them again."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import shutil
import signal
from pathlib import Path
from typing import Any

import discord
import pytest
from pydantic import SecretStr

from bot.client import CareerBot
from careerbot.cli.run import run_bot, sync_commands
from careerbot.runtime.settings import Settings
from knowledge import DEFAULT_KNOWLEDGE_PATH, CorpusInvalid
from storage import open_storage
from tests.bot.e2e import PHD, embed
from tests.fakediscord import FakeDiscord


async def test_sync_commands_to_a_guild_without_connecting(
    fake_discord: FakeDiscord, bot_settings: Settings
) -> None:
    synced = await sync_commands(bot_settings, fake_discord.guild.id)
    names = {c["name"] for c in fake_discord.registered_commands(fake_discord.guild)}
    assert {c.name for c in synced} == names and {"ask", "kb", "privacy"} <= names
    assert not fake_discord.registered_commands()  # nothing global
    assert fake_discord.identify_count == 0  # HTTP only: no gateway session
    await sync_commands(bot_settings)
    assert {c["name"] for c in fake_discord.registered_commands()} == names


async def test_run_bot_serves_until_cancelled_and_closes_the_store(
    fake_discord: FakeDiscord, bot_settings: Settings
) -> None:
    task = asyncio.create_task(run_bot(bot_settings, sync=True))
    fake_discord.watch(task)
    try:
        await fake_discord.wait_until(
            lambda: fake_discord.registered_commands() or None, what="the sync"
        )
        reply = await fake_discord.command_reply("ask", {"question": PHD})
        assert embed(reply)["title"] == PHD
        # While serving, start-up objects are out of the collector's way (careerbot.runtime.heap).
        assert gc.get_freeze_count() > 10_000
    finally:
        fake_discord.unwatch(task)
        task.cancel()  # what Ctrl+C does to asyncio.run
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert gc.get_freeze_count() == 0  # and thawed on the way out
    # The store was closed cleanly and holds the logged question.
    async with await open_storage(bot_settings.database_path) as db:
        export = await db.export_member(fake_discord.member.id)
    assert [q["matched_id"] for q in export["tables"]["question_log"]] == ["do-i-need-a-phd"]


async def test_a_refused_token_fails_start_up(
    fake_discord: FakeDiscord, bot_settings: Settings
) -> None:
    wrong = bot_settings.model_copy(update={"discord_token": SecretStr("wrong-token")})
    with pytest.raises(discord.LoginFailure):
        await run_bot(wrong)


# ------------------------------------------------------------------ command line ---
# ``careerbot.cli.main.main`` runs its own event loop, so it runs in a worker thread here while the
# fake keeps serving on the test's loop.


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, bot_settings: Settings) -> None:
    for name in ("DISCORD_TOKEN", "CAREERBOT_DEV_GUILD_ID", "CAREERBOT_CONFIDENCE_THRESHOLD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CAREERBOT_DISCORD_TOKEN", bot_settings.token)
    monkeypatch.setenv("CAREERBOT_DATABASE_PATH", str(bot_settings.database_path))
    monkeypatch.chdir(bot_settings.database_path.parent)  # no stray .env


async def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from careerbot.cli.main import main

    status = await asyncio.to_thread(main, list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.usefixtures("cli_env")
async def test_cli_sync_to_the_dev_guild(
    fake_discord: FakeDiscord,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAREERBOT_DEV_GUILD_ID", str(fake_discord.guild.id))
    status, out, _ = await run_cli(capsys, "sync", "--dev")
    assert status == 0
    assert out.startswith(f"synced 12 command(s) to guild {fake_discord.guild.id}")
    assert "/ask" in out and "/kb" in out and "Draft an entry (message menu)" in out
    assert "/Draft" not in out
    assert len(fake_discord.registered_commands(fake_discord.guild)) == 12
    status, out, _ = await run_cli(capsys, "sync")
    assert status == 0 and "globally" in out and len(fake_discord.registered_commands()) == 12


@pytest.mark.usefixtures("cli_env")
async def test_cli_reports_what_an_operator_can_fix(
    fake_discord: FakeDiscord, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERBOT_DISCORD_TOKEN", "wrong-token")
    status, _, err = await run_cli(capsys, "sync")
    assert status == 2 and "Discord refused the token" in err and "wrong-token" not in err
    status, _, err = await run_cli(capsys, "run", "--dev")
    assert status == 2 and "--dev only make sense with --sync" in err
    status, _, err = await run_cli(capsys, "sync", "--dev")
    assert status == 2 and "CAREERBOT_DEV_GUILD_ID" in err
    monkeypatch.delenv("CAREERBOT_DISCORD_TOKEN")
    status, _, err = await run_cli(capsys, "run")
    assert status == 2 and "the Discord bot token is missing" in err
    assert not fake_discord.identify_count


@pytest.mark.usefixtures("cli_env")
async def test_cli_refuses_shards_that_cannot_work_before_connecting(
    fake_discord: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = await run_cli(capsys, "run", "--shards", "2-4", "--shard-count", "4")
    assert status == 2
    assert "shard 4 does not exist with CAREERBOT_SHARD_COUNT=4 (shards are 0 to 3)" in err
    status, _, err = await run_cli(capsys, "run", "--shards", "0-1")
    assert status == 2 and "CAREERBOT_SHARDS needs CAREERBOT_SHARD_COUNT" in err
    assert not fake_discord.requests


# --------------------------------------------------------------------- shutdown ---


class Recorder:
    """A background service that notes when it starts and stops."""

    def __init__(self, name: str, events: list[str]) -> None:
        self.name = name
        self.events = events

    async def start(self) -> None:
        self.events.append(f"start {self.name}")

    async def stop(self) -> None:
        self.events.append(f"stop {self.name}")


def record_shutdown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Two recording services in every bot run_bot starts, and the moment Discord closes."""
    import careerbot.cli.run

    events: list[str] = []
    original_add = careerbot.cli.run.add_services

    def add_services(career: CareerBot) -> None:
        original_add(career)
        career.services.add(Recorder("watcher", events))
        career.services.add(Recorder("scheduler", events))

    original_close = CareerBot.close

    async def close(self: CareerBot) -> None:
        if not self.is_closed():
            events.append("discord closed")
        await original_close(self)

    monkeypatch.setattr(careerbot.cli.run, "add_services", add_services)
    monkeypatch.setattr(CareerBot, "close", close)
    return events


async def test_stop_shuts_down_in_order_and_lets_a_question_in_flight_finish(
    fake_discord: FakeDiscord, bot_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.exts.ask._answers as answers

    events = record_shutdown(monkeypatch)
    stop = asyncio.Event()
    slow_started = asyncio.Event()
    original_answer = answers.answer

    async def slow_answer(*args: Any, **kwargs: Any) -> Any:
        slow_started.set()
        await asyncio.sleep(0.3)  # still working when the stop arrives
        return await original_answer(*args, **kwargs)

    monkeypatch.setattr(answers, "answer", slow_answer)
    task = asyncio.create_task(run_bot(bot_settings, sync=True, stop=stop))
    fake_discord.watch(task)
    await fake_discord.wait_until(lambda: fake_discord.identify_count or None)
    assert events == ["start watcher", "start scheduler"]
    record = await fake_discord.send_slash_command("ask", {"question": PHD})
    await asyncio.wait_for(slow_started.wait(), 5)
    fake_discord.unwatch(task)
    stop.set()
    await asyncio.wait_for(task, 10)  # returns normally: exit status 0
    assert events[2:] == ["stop scheduler", "stop watcher", "discord closed"]
    assert record.callback is not None  # the answer in flight went out before Discord closed
    # ... and its log row, written just after the answer, before the store closed.
    async with await open_storage(bot_settings.database_path) as db:
        export = await db.export_member(fake_discord.member.id)
    assert [q["matched_id"] for q in export["tables"]["question_log"]] == ["do-i-need-a-phd"]


async def test_sigterm_stops_the_bot_cleanly_and_restores_the_handler(
    fake_discord: FakeDiscord, bot_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = record_shutdown(monkeypatch)
    before = signal.getsignal(signal.SIGTERM)
    task = asyncio.create_task(run_bot(bot_settings))
    fake_discord.watch(task)
    await fake_discord.wait_until(lambda: fake_discord.identify_count or None)
    await asyncio.sleep(0.1)
    fake_discord.unwatch(task)
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, 10)
    assert events[-3:] == ["stop scheduler", "stop watcher", "discord closed"]
    assert signal.getsignal(signal.SIGTERM) == before


async def test_health_server_and_watcher_run_when_the_settings_ask(
    fake_discord: FakeDiscord, bot_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aiohttp

    from careerbot.runtime.health import HealthServer

    servers: list[HealthServer] = []
    original_start = HealthServer.start

    async def start(self: HealthServer) -> None:
        servers.append(self)
        await original_start(self)

    monkeypatch.setattr(HealthServer, "start", start)
    settings = bot_settings.model_copy(update={"health_port": 0, "watch_knowledge": True})
    stop = asyncio.Event()
    task = asyncio.create_task(run_bot(settings, stop=stop))
    fake_discord.watch(task)
    try:
        await fake_discord.wait_until(lambda: fake_discord.identify_count or None)
        await fake_discord.wait_until(lambda: servers or None)
        url = f"http://127.0.0.1:{servers[0].port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/healthz") as response:
                assert response.status == 200 and (await response.text()).startswith("ok")
            async with http.get(f"{url}/metrics") as response:
                assert "careerbot_questions_answered_total" in await response.text()
    finally:
        fake_discord.unwatch(task)
        stop.set()
        await asyncio.wait_for(task, 10)
    async with aiohttp.ClientSession() as http:  # stopped with the bot
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(f"{url}/healthz")


async def test_a_restart_with_a_refused_file_serves_the_last_good_corpus(
    fake_discord: FakeDiscord,
    bot_settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A broken file the running watcher refused used to make the next start exit 2."""
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_PATH, root, ignore=shutil.ignore_patterns("*.py", "*.md"))
    settings = bot_settings.model_copy(update={"knowledge_path": root})

    async def serve_once() -> str:
        stop = asyncio.Event()
        task = asyncio.create_task(run_bot(settings, sync=True, stop=stop))
        fake_discord.watch(task)
        try:
            await fake_discord.wait_until(lambda: fake_discord.identify_count or None)
            await fake_discord.wait_until(lambda: fake_discord.registered_commands() or None)
            reply = await fake_discord.command_reply("ask", {"question": PHD})
        finally:
            fake_discord.unwatch(task)
            stop.set()
            await asyncio.wait_for(task, 30)
        return str(embed(reply)["title"])

    assert await serve_once() == PHD
    (root / "faq" / "do-i-need-a-phd.yaml").write_text("faq:\n  - id: do-i-need-a-phd\n")
    with pytest.raises(CorpusInvalid):
        await run_bot(settings.model_copy(update={"database_path": tmp_path / "other.sqlite3"}))
    caplog.set_level(logging.ERROR)
    assert await serve_once() == PHD
    assert "serving the last good copy" in caplog.text
