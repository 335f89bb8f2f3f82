"""Two bot processes on one PostgreSQL database: a corpus reload and a ``/config``
change in one reach the other.

Only one of the two talks to the fake Discord at a time (two gateways on the fake are
the sharding tests' business). The other is an independent stack as another process
holds it: its own pool, its own listening connection, its own corpus loaded from the
same folder (the shared volume) and its own guild settings cache. Both ways are
tested: ``run_bot`` serving ``/kb reload`` and ``/config`` with the stack following,
and the stack changing things with ``careerbot run`` as a process of its own
following, seen in its answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.guilds import GuildConfig
from careerbot.cli.run import run_bot, sync_commands
from careerbot.runtime.broadcast import PostgresBroadcast
from careerbot.runtime.corpus_sync import CorpusSync
from careerbot.runtime.metrics import Metrics
from careerbot.runtime.settings import Settings
from knowledge import DEFAULT_KNOWLEDGE_PATH, KnowledgeBase
from storage import Storage, open_storage
from tests.bot.e2e import PHD, embed
from tests.cli.test_entrypoint import CHILD
from tests.conftest import PgServer
from tests.fakediscord import FakeDiscord
from tests.waiting import GENEROUS_SECONDS, eventually


@dataclass
class Other:
    kb: KnowledgeBase
    db: Storage
    broadcast: PostgresBroadcast
    sync: CorpusSync
    config: GuildConfig

    def phd_answer(self) -> str:
        (entry,) = [e for e in self.kb.corpus.faq if e.id == "do-i-need-a-phd"]
        return entry.answer


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(
        DEFAULT_KNOWLEDGE_PATH,
        target,
        ignore=shutil.ignore_patterns("*.py", "*.json", "*.md", "__pycache__"),
    )
    return target


@pytest.fixture
async def other(pg_server: PgServer, corpus: Path) -> AsyncIterator[tuple[str, Other]]:
    url = pg_server.fresh()
    kb = await asyncio.to_thread(KnowledgeBase.load, corpus)
    db = await open_storage(url)
    broadcast = PostgresBroadcast(url)
    stack = Other(
        kb,
        db,
        broadcast,
        CorpusSync(kb, broadcast, metrics=Metrics()),
        GuildConfig(db, broadcast),
    )
    await broadcast.start()
    try:
        yield url, stack
    finally:
        await broadcast.stop()
        await db.close()


async def test_reload_and_settings_reach_the_other_process(
    fake_discord: FakeDiscord,
    bot_settings: Settings,
    corpus: Path,
    other: tuple[str, Other],
) -> None:
    url, b = other
    fake = fake_discord
    settings = bot_settings.model_copy(
        update={"database_url": SecretStr(url), "knowledge_path": corpus}
    )
    task = asyncio.create_task(run_bot(settings, sync=True))
    fake.watch(task)
    try:
        await fake.wait_until(lambda: fake.registered_commands() or None, what="the sync")
        assert await b.config.threshold(fake.guild.id) is None  # cached by the other process

        phd = corpus / "faq" / "do-i-need-a-phd.yaml"
        phd.write_text(
            phd.read_text().replace("**No, a PhD is not required", "**Edited: no PhD needed")
        )
        ix = await fake.send_slash_command("kb reload", user=fake.moderator)
        assert (await ix.wait_for_reply())["content"].startswith("✅ Reloaded the corpus")
        await eventually(lambda: "Edited: no PhD needed" in b.phd_answer(), "the other process")
        answer = embed(await fake.command_reply("ask", {"question": PHD}))["description"]
        assert "Edited: no PhD needed" in answer
        assert b.sync.followed == 1

        reply = await fake.command_reply("config threshold", {"percent": 80}, user=fake.moderator)
        assert "threshold: 80%" in reply["content"]
        await eventually(lambda: fake.guild.id not in b.config._cache, "the other's cache")
        assert await b.config.threshold(fake.guild.id) == 80.0
    finally:
        fake.unwatch(task)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def ask_until(
    fake: FakeDiscord, question: str, done: Callable[[dict[str, Any]], bool]
) -> None:
    """Ask until the answer is what ``done`` wants (the other process is changing it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GENEROUS_SECONDS
    while True:
        reply = await fake.command_reply("ask", {"question": question})
        if done(reply):
            return
        assert loop.time() < deadline, f"gave up waiting; the last answer: {str(reply)[:300]}"
        await asyncio.sleep(0.05)


async def test_careerbot_run_follows_a_reload_and_a_setting_made_elsewhere(
    fake_discord: FakeDiscord,
    bot_settings: Settings,
    corpus: Path,
    other: tuple[str, Other],
    tmp_path: Path,
) -> None:
    url, a = other  # the moderator's process, this time
    fake = fake_discord
    await sync_commands(bot_settings)
    data = tmp_path / "child"
    data.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    env |= {
        "CAREERBOT_DISCORD_TOKEN": bot_settings.token,
        "CAREERBOT_DATABASE_URL": url,
        "CAREERBOT_DATABASE_PATH": str(data / "careerbot.sqlite3"),  # its last good copy
        "CAREERBOT_KNOWLEDGE_PATH": str(corpus),
        "CAREERBOT_ASK_COOLDOWN_SECONDS": "0",
        "CAREERBOT_LOG_FORMAT": "json",
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, fake.rest_base, str(fake.gateway_url),
        env=env, cwd=data,  # not beside the corpus folder: it would shadow the package
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        fake.watch(asyncio.ensure_future(child.wait()))  # fail fast if it exits
        await fake.wait_until(lambda: fake.identify_count or None, timeout=30, what="the login")
        reply = await fake.command_reply("ask", {"question": PHD})  # caches the settings too
        assert embed(reply)["title"] == PHD and "Edited" not in embed(reply)["description"]

        phd = corpus / "faq" / "do-i-need-a-phd.yaml"
        phd.write_text(
            phd.read_text().replace("**No, a PhD is not required", "**Edited: no PhD needed")
        )
        assert (await a.sync.reload(by="/kb reload")).ok
        await ask_until(fake, PHD, lambda r: "Edited" in embed(r)["description"])

        await a.config.update(fake.guild.id, confidence_threshold=0.995)
        await ask_until(fake, "do I need a PhD?", lambda r: "Did you mean" in r["content"])
        child.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(child.communicate(), 30)
    except BaseException:
        if child.returncode is not None and child.stderr is not None:
            print((await child.stderr.read()).decode()[-3000:])
        raise
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    log = err.decode()
    assert child.returncode == 0, log
    assert "another process reloaded the corpus (/kb reload): reloaded" in log
