"""The corpus watcher: reloads settled changes, all or nothing, and keeps polling."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from careerbot.runtime.metrics import Metrics
from careerbot.runtime.watcher import KnowledgeWatcher, fingerprint
from knowledge import DEFAULT_KNOWLEDGE_PATH, KnowledgeBase, ReloadResult
from tests.knowledge.conftest import MINIMAL_FAQ, write_corpus  # noqa: F401

EXTRA = (
    MINIMAL_FAQ
    + """\
  - id: portfolio
    question: What should go in my portfolio?
    phrasings: [portfolio projects, which projects to build, show my work, what to put on github]
    answer: Two or three end-to-end projects.
"""
)


def touch_later(path: Path, text: str) -> None:
    """Write and move the mtime forward, so the change shows on coarse file systems."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


async def settled_poll(watcher: KnowledgeWatcher) -> ReloadResult | None:
    """Two polls: a change is reloaded only once it looks the same twice."""
    assert await watcher.poll() is None
    return await watcher.poll()


async def test_a_change_reloads_and_a_broken_edit_keeps_the_old_corpus(
    write_corpus: Callable[..., Path],  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    root = write_corpus()
    kb = KnowledgeBase.load(root)
    metrics = Metrics()
    watcher = KnowledgeWatcher(kb, interval=60, metrics=metrics)
    await watcher.start()
    try:
        assert await watcher.poll() is None  # nothing changed
        touch_later(root / "faq.yaml", EXTRA)
        result = await settled_poll(watcher)
        assert result is not None and result.ok and len(kb.corpus) == 3
        caplog.set_level(logging.ERROR)
        touch_later(root / "faq.yaml", EXTRA.replace("answer: Two", "answr: Two"))
        result = await settled_poll(watcher)
        assert result is not None and not result.ok and len(kb.corpus) == 3
        assert "faq.yaml:" in caplog.text and "still serving the previous 3" in caplog.text
        assert metrics.reloads.value(result="ok") == 1
        assert metrics.reloads.value(result="refused") == 1
    finally:
        await watcher.stop()


async def test_the_task_polls_on_its_own_and_stops(
    write_corpus: Callable[..., Path],  # noqa: F811
) -> None:
    root = write_corpus()
    kb = KnowledgeBase.load(root)
    reloaded = asyncio.Event()
    watcher = KnowledgeWatcher(kb, interval=0.05, on_reload=lambda _r: reloaded.set())
    await watcher.start()
    touch_later(root / "faq.yaml", EXTRA)
    await asyncio.wait_for(reloaded.wait(), 5)
    await watcher.stop()
    assert len(kb.corpus) == 3


def test_fingerprint_sees_nested_yaml_only(tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "a.yaml").write_text("x")
    (tmp_path / "notes.txt").write_text("y")
    assert {p for p, _, _ in fingerprint(tmp_path)} == {"faq/a.yaml"}


async def test_a_file_still_being_written_is_not_reloaded(
    write_corpus: Callable[..., Path],  # noqa: F811
) -> None:
    root = write_corpus()
    kb = KnowledgeBase.load(root)
    watcher = KnowledgeWatcher(kb, interval=60, metrics=Metrics())
    await watcher.start()
    try:
        touch_later(root / "faq.yaml", EXTRA[: len(EXTRA) // 2])
        assert await watcher.poll() is None  # changed: wait for the writer
        touch_later(root / "faq.yaml", EXTRA)
        assert await watcher.poll() is None  # changed again: still waiting
        result = await watcher.poll()
        assert result is not None and result.ok and len(kb.corpus) == 3
    finally:
        await watcher.stop()


async def test_a_half_written_answer_is_held_back_and_never_served(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The issue's probe: ``head -c`` of the PhD answer, cut 200 bytes into the answer,
    left on disk (a writer that died, a full disk): valid YAML, a valid corpus."""
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_PATH, root, ignore=shutil.ignore_patterns("*.py", "*.md"))
    kb = KnowledgeBase.load(root)
    phd = root / "faq" / "do-i-need-a-phd.yaml"
    full = phd.read_bytes()
    metrics = Metrics()
    watcher = KnowledgeWatcher(kb, interval=60, metrics=metrics)
    await watcher.start()
    try:
        caplog.set_level(logging.WARNING)
        at = full.index(b"    answer: |") + len(b"    answer: |\n") + 200
        phd.write_bytes(full[:at])
        result = await settled_poll(watcher)
        assert result is not None and result.held and metrics.reloads.value(result="held") == 1
        assert "faq/do-i-need-a-phd.yaml: 'answer' of 'do-i-need-a-phd' would shrink" in (
            caplog.text
        )
        answer = kb.corpus.entry("do-i-need-a-phd").answer  # type: ignore[union-attr]
        assert answer.endswith('Engineer?"*') and len(answer) > 1_000

        phd.write_bytes(full)  # the write completes
        result = await settled_poll(watcher)
        assert result is not None and result.ok and result.losses == ()
    finally:
        await watcher.stop()
