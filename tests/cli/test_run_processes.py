"""Two bot processes on one PostgreSQL database: ``/kb reload`` and ``/config`` in the
one the moderator talks to reach the other.

The first process is ``run_bot`` itself (what ``careerbot run`` calls) against the fake
Discord; the second is an independent stack as another process holds it: its own
pool, its own listening connection, its own corpus loaded from the same folder (the
shared volume) and its own guild settings cache. (Two gateways on the fake are the
sharding tests' business.)
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.guilds import GuildConfig
from careerbot.cli.run import run_bot
from careerbot.runtime.broadcast import PostgresBroadcast
from careerbot.runtime.corpus_sync import CorpusSync
from careerbot.runtime.metrics import Metrics
from careerbot.runtime.settings import Settings
from knowledge import DEFAULT_KNOWLEDGE_PATH, KnowledgeBase
from storage import Storage, open_storage
from tests.bot.e2e import PHD, embed
from tests.conftest import PgServer
from tests.fakediscord import FakeDiscord
from tests.waiting import eventually


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
    capsys: pytest.CaptureFixture[str],
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
        replied = time.perf_counter()
        await eventually(lambda: "Edited: no PhD needed" in b.phd_answer(), "the other process")
        waited = time.perf_counter() - replied
        answer = embed(await fake.command_reply("ask", {"question": PHD}))["description"]
        assert "Edited: no PhD needed" in answer
        assert b.sync.followed == 1

        reply = await fake.command_reply("config threshold", {"percent": 80}, user=fake.moderator)
        assert "threshold: 80%" in reply["content"]
        changed = time.perf_counter()
        await eventually(lambda: fake.guild.id not in b.config._cache, "the other's cache")
        assert await b.config.threshold(fake.guild.id) == 80.0
        with capsys.disabled():
            print(
                f"\n  other process: reload served {waited:.2f} s after the reply, "
                f"settings dropped {time.perf_counter() - changed:.3f} s after the change"
            )
    finally:
        fake.unwatch(task)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
