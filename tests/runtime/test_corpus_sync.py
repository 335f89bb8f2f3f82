"""A corpus reload in one process is served by every other one (PostgreSQL LISTEN/NOTIFY).

Each test runs two independent stacks, as two bot processes would be: their own
:class:`KnowledgeBase` over the same corpus folder (the shared volume), their own
connection to a real PostgreSQL database, their own :class:`CorpusSync`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from careerbot.runtime.broadcast import CORPUS_CHANNEL, Notice, PostgresBroadcast
from careerbot.runtime.corpus_sync import CorpusSync
from careerbot.runtime.metrics import Metrics
from careerbot.runtime.watcher import KnowledgeWatcher
from knowledge import KnowledgeBase, ReloadResult
from tests.conftest import PgServer
from tests.knowledge.conftest import MINIMAL_FAQ, write_corpus  # noqa: F401
from tests.waiting import eventually

PORTFOLIO = """\
  - id: portfolio
    question: What should go in my portfolio?
    phrasings: [portfolio projects, which projects to build, show my work, what to put on github]
    answer: Two or three end-to-end projects.
"""
WITH_PORTFOLIO = MINIMAL_FAQ + PORTFOLIO
#: The second entry gone: a loss, held back unless forced.
WITHOUT_LANGUAGE = MINIMAL_FAQ[: MINIMAL_FAQ.index("  - id: which-programming-language")]


@dataclass
class Stack:
    kb: KnowledgeBase
    broadcast: PostgresBroadcast
    sync: CorpusSync
    refusals: list[ReloadResult]

    def serves(self, question: str) -> str | None:
        match = self.kb.ask(question).match
        return match.id if match is not None else None


def save(path: Path, text: str) -> None:
    """Save a corpus file and date it two seconds back, as a save finished earlier:
    reloads wait for files younger than a second to settle."""
    path.write_text(text, encoding="utf-8")
    stamp = time.time_ns() - 2_000_000_000
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
async def stacks(
    pg_server: PgServer,
    write_corpus: Callable[..., Path],  # noqa: F811
) -> AsyncIterator[tuple[Stack, Stack]]:
    url = pg_server.fresh()
    root = write_corpus()
    built: list[Stack] = []
    for _ in range(2):
        kb = KnowledgeBase.load(root)
        broadcast = PostgresBroadcast(url, retry_min=0.05)
        refusals: list[ReloadResult] = []
        sync = CorpusSync(kb, broadcast, on_reload=refusals.append, metrics=Metrics())
        built.append(Stack(kb, broadcast, sync, refusals))
    for stack in built:
        await stack.broadcast.start()
    try:
        yield built[0], built[1]
    finally:
        for stack in built:
            await stack.broadcast.stop()


async def test_a_reload_in_one_process_is_served_by_the_other(
    stacks: tuple[Stack, Stack],
) -> None:
    a, b = stacks
    assert b.serves("which projects to build") is None
    save(a.kb.path / "faq.yaml", WITH_PORTFOLIO)
    result = await a.sync.reload(by="/kb reload")
    assert result.ok and a.serves("which projects to build") == "portfolio"
    await eventually(lambda: b.serves("which projects to build") == "portfolio", "b to serve it")
    assert b.sync.followed == 1 and len(b.kb.corpus) == 3


async def test_a_held_reload_is_not_announced_and_a_forced_one_is_forced_everywhere(
    stacks: tuple[Stack, Stack],
) -> None:
    a, b = stacks
    save(a.kb.path / "faq.yaml", WITHOUT_LANGUAGE)
    held = await a.sync.reload(by="/kb reload")
    assert held.held and len(a.kb.corpus) == 2
    forced = await a.sync.reload(force=True, by="/kb reload")
    assert forced.ok and forced.forced and len(a.kb.corpus) == 1
    # b would hold the same loss back; it takes it because the reload it follows was forced.
    await eventually(lambda: len(b.kb.corpus) == 1, "b to take the forced reload")
    assert b.serves("best language to learn for ml") is None
    assert b.sync.followed == 1 and b.refusals == []


async def test_a_broken_folder_in_the_other_process_keeps_its_corpus_and_is_reported(
    stacks: tuple[Stack, Stack],
    write_corpus: Callable[..., Path],  # noqa: F811
) -> None:
    """Each process reloads its own folder: one whose copy is broken keeps serving what
    it had, and says so through the watcher's hook (which tells its moderators)."""
    a, b = stacks
    other = write_corpus(folder="other")
    b.kb.path = other
    save(other / "faq.yaml", WITH_PORTFOLIO.replace("answer: Two", "answr: Two"))
    save(a.kb.path / "faq.yaml", WITH_PORTFOLIO)
    assert (await a.sync.reload(by="/kb reload")).ok
    await eventually(lambda: b.refusals, "b to report its refusal")
    assert b.refusals[0].outcome == "refused" and len(b.kb.corpus) == 2


async def test_files_already_served_are_not_reloaded_again(
    stacks: tuple[Stack, Stack],
) -> None:
    """Every process may run the watcher on the shared folder: whoever reloads first
    announces it, and the others do not reload the same files a second time."""
    a, b = stacks
    seen: list[Notice] = []

    async def note(notice: Notice) -> None:  # runs after b's CorpusSync for each notice
        seen.append(notice)

    b.broadcast.subscribe(CORPUS_CHANNEL, note)
    save(a.kb.path / "faq.yaml", WITH_PORTFOLIO)
    assert (await b.kb.reload_async()).ok  # b's own watcher was quicker
    served = b.kb.snapshot
    assert (await a.sync.reload(by="file watcher")).ok
    await eventually(lambda: seen, "b to handle the announcement")
    assert seen[0].data["by"] == "file watcher"
    assert b.sync.followed == 0 and b.kb.snapshot is served


async def test_the_watcher_announces_and_skips_what_a_notice_already_loaded(
    stacks: tuple[Stack, Stack],
) -> None:
    a, b = stacks
    watch_a = KnowledgeWatcher(a.kb, interval=3600, sync=a.sync, metrics=Metrics())
    watch_b = KnowledgeWatcher(b.kb, interval=3600, sync=b.sync, metrics=Metrics())
    await watch_a.start()
    await watch_b.start()
    try:
        save(a.kb.path / "faq.yaml", WITH_PORTFOLIO)
        assert await watch_a.poll() is None  # seen once: not settled yet
        result = await watch_a.poll()
        assert result is not None and result.ok
        await eventually(lambda: b.serves("which projects to build") == "portfolio", "b")
        served = b.kb.snapshot
        assert await watch_b.poll() is None and await watch_b.poll() is None
        assert b.kb.snapshot is served  # b's watcher saw the change but it was served
    finally:
        await watch_a.stop()
        await watch_b.stop()


async def test_after_a_lost_connection_the_other_process_catches_up(
    stacks: tuple[Stack, Stack], pg_server: PgServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A notice sent while a process was not listening is lost; on reconnecting it
    compares its folder with what it serves and reloads."""
    a, b = stacks
    save(a.kb.path / "faq.yaml", WITH_PORTFOLIO)
    assert (await a.kb.reload_async()).ok  # reloaded, and no notice reached b
    await asyncio.sleep(0)
    assert b.serves("which projects to build") is None
    pid = b.broadcast.backend_pid
    assert pid is not None
    caplog.set_level(logging.INFO)
    admin = await asyncpg.connect(pg_server.cluster.url())
    try:
        await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    await eventually(lambda: b.serves("which projects to build") == "portfolio", "b")
    assert "caught up with changes made while not listening" in caplog.text


async def test_a_moderators_change_from_discord_is_served_by_the_other_process(
    stacks: tuple[Stack, Stack],
) -> None:
    """ "Add as phrasing" writes the corpus in one process; the other must serve it too
    (and an undo, a forced reload, must reach it as well)."""
    from careerbot.core.community import CorpusWriter, Moderator

    a, b = stacks
    phrasing = "which projects should i build to show my skills to employers"
    writer = CorpusWriter(
        a.kb, on_reloaded=lambda forced: a.sync.announce(force=forced, by="community")
    )
    before = b.serves(phrasing)
    added = await writer.add_phrasing(Moderator(7, "Mo"), "do-i-need-a-phd", phrasing)
    assert added.ok, added
    assert a.serves(phrasing) == "do-i-need-a-phd" != before
    await eventually(
        lambda: b.serves(phrasing) == "do-i-need-a-phd", "the other process serving it"
    )
    undone = await writer.undo(Moderator(7, "Mo"))
    assert undone.ok, undone
    await eventually(lambda: b.serves(phrasing) == before, "the other process undoing it")
