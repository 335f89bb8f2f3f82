"""The corpus watcher: reloads on change, all or nothing, and keeps polling."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.metrics import Metrics
from bot.watcher import KnowledgeWatcher, fingerprint
from knowledge import KnowledgeBase
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
        result = await watcher.poll()
        assert result is not None and result.ok and len(kb.corpus) == 3
        caplog.set_level(logging.ERROR)
        touch_later(root / "faq.yaml", EXTRA.replace("answer: Two", "answr: Two"))
        result = await watcher.poll()
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
