"""Reloads are all-or-nothing: a broken edit never takes answers away."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import CorpusInvalid, KnowledgeBase, lastgood
from knowledge.losses import Loss
from knowledge.settle import digest, fingerprint, quiet_for, wait_until_settled
from tests.knowledge.conftest import MINIMAL_FAQ


def test_broken_reload_keeps_serving_the_old_corpus(write_corpus: Callable[..., Path]) -> None:
    root = write_corpus()
    kb = KnowledgeBase.load(root)
    before = kb.snapshot
    (root / "faq.yaml").write_text(MINIMAL_FAQ.replace("    answer: No.", "    anser: No."))
    result = kb.reload()
    assert not result.ok
    assert result.entries == 2
    assert any("unknown field 'anser'" in str(i) for i in result.issues)
    assert kb.snapshot is before
    assert kb.ask("is a phd needed").match.id == "do-i-need-a-phd"  # type: ignore[union-attr]


def test_good_reload_swaps_in_new_entries(write_corpus: Callable[..., Path]) -> None:
    root = write_corpus()
    kb = KnowledgeBase.load(root)
    (root / "more.yaml").write_text(
        "faq:\n  - id: kaggle\n    question: Is Kaggle worth it?\n"
        "    phrasings: [kaggle competitions, should i do kaggle, is kaggle useful,"
        " kaggle for beginners]\n    answer: Yes, for practice.\n"
    )
    result = kb.reload()
    assert result.ok and result.entries == 3
    assert kb.ask("are kaggle competitions useful").match.id == "kaggle"  # type: ignore[union-attr]


async def test_reload_async_runs_off_the_event_loop(write_corpus: Callable[..., Path]) -> None:
    kb = KnowledgeBase.load(write_corpus())
    result = await kb.reload_async()
    assert result.ok and result.entries == 2


SECOND = MINIMAL_FAQ.split("  - id: which-programming-language")[0]
"""The corpus without its second entry (and without the link to it)."""


def test_a_reload_that_loses_an_entry_is_held_until_forced(
    write_corpus: Callable[..., Path],
) -> None:
    root = write_corpus()
    kb = KnowledgeBase.load(root)
    before = kb.snapshot
    (root / "faq.yaml").write_text(SECOND)
    held = kb.reload()
    assert not held.ok and held.held and held.outcome == "held" and held.entries == 2
    assert [str(loss) for loss in held.losses] == [
        "faq.yaml: FAQ entry 'which-programming-language' would be removed"
    ]
    assert kb.snapshot is before
    forced = kb.reload(force=True)
    assert forced.ok and forced.forced and forced.entries == 1 and len(forced.losses) == 1


def test_the_files_served_are_known_until_a_reload_goes_through(
    write_corpus: Callable[..., Path],
) -> None:
    """Another process's announcement, or the watcher, compares them with the folder."""
    root = write_corpus()
    kb = KnowledgeBase.load(root)
    loaded = fingerprint(root)
    assert kb.files == loaded and digest(kb.files) == digest(loaded) != digest(None)
    (root / "faq.yaml").write_text(MINIMAL_FAQ.replace("    answer: No.", "    anser: No."))
    assert not kb.reload().ok and kb.files == loaded  # refused: still the old files
    (root / "faq.yaml").write_text(MINIMAL_FAQ.replace("No. Most", "No; most"))
    assert kb.reload().ok and kb.files == fingerprint(root) != loaded
    assert len(digest(kb.files)) == 16 and digest(kb.files) != digest(loaded)


def test_loss_checks_can_be_extended(write_corpus: Callable[..., Path]) -> None:
    root = write_corpus()
    kb = KnowledgeBase.load(root)
    extra = Loss("faq.yaml", "progress", "x", "3 members' progress")
    kb.loss_checks.append(lambda old, new: [extra])
    result = kb.reload()
    assert result.held and result.losses == (extra,)


def test_a_broken_corpus_at_start_serves_the_last_good_copy(
    write_corpus: Callable[..., Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = write_corpus()
    saved = lastgood.path_beside(tmp_path / "careerbot.sqlite3")
    assert saved is not None
    first = KnowledgeBase.load(root, last_good=saved)
    assert first.fallback is None and saved.exists()

    # A file the running watcher refused is still there at the next start.
    (root / "faq.yaml").write_text(MINIMAL_FAQ.replace("    answer: No.", "    anser: No."))
    with pytest.raises(CorpusInvalid):
        KnowledgeBase.load(root)  # no saved copy: nothing to serve
    caplog.set_level(logging.ERROR)
    kb = KnowledgeBase.load(root, last_good=saved)
    assert kb.fallback is not None
    assert any("unknown field 'anser'" in i.message for i in kb.fallback.issues)
    assert "serving the last good copy" in caplog.text and "anser" in caplog.text
    assert kb.ask("is a phd needed").match.id == "do-i-need-a-phd"  # type: ignore[union-attr]
    assert not kb.reload().ok and kb.fallback is not None
    assert kb.files is None  # what is served is not what the folder holds

    # Fixed: a reload serves the folder again and the copy follows it.
    (root / "faq.yaml").write_text(MINIMAL_FAQ.replace("No. Most", "No; most"))
    assert kb.reload().ok and kb.fallback is None
    assert kb.files == fingerprint(root)
    assert "No; most" in saved.read_text()


def test_a_start_with_a_cut_corpus_serves_the_last_good_copy(
    write_corpus: Callable[..., Path], tmp_path: Path
) -> None:
    root = write_corpus()
    saved = tmp_path / "db.last-good-corpus.json"
    KnowledgeBase.load(root, last_good=saved)
    (root / "faq.yaml").write_text(SECOND)  # valid, but an entry short (e.g. a cut file)
    kb = KnowledgeBase.load(root, last_good=saved)
    assert kb.fallback is not None and len(kb.fallback.losses) == 1 and len(kb.corpus) == 2
    # ... unless it is another corpus folder altogether.
    other = write_corpus({"faq.yaml": SECOND}, folder="other")
    assert len(KnowledgeBase.load(other, last_good=saved).corpus) == 1


def test_a_yaml_bomb_at_start_serves_the_last_good_copy(
    write_corpus: Callable[..., Path], tmp_path: Path
) -> None:
    root = write_corpus()
    saved = tmp_path / "db.last-good-corpus.json"
    KnowledgeBase.load(root, last_good=saved)
    (root / "bomb.yaml").write_text("a: &a [x, x]\nb: [*a, *a]\n")
    kb = KnowledgeBase.load(root, last_good=saved)
    assert kb.fallback is not None and "anchors" in kb.fallback.issues[0].message


def test_an_unreadable_copy_is_not_served(
    write_corpus: Callable[..., Path], tmp_path: Path
) -> None:
    root = write_corpus({"faq.yaml": "faq: ["})
    saved = tmp_path / "db.last-good-corpus.json"
    saved.write_text("{not json")
    with pytest.raises(CorpusInvalid):
        KnowledgeBase.load(root, last_good=saved)


async def test_reloads_wait_for_files_to_settle(write_corpus: Callable[..., Path]) -> None:
    root = write_corpus()
    (root / "faq.yaml").write_text(MINIMAL_FAQ)  # just now
    assert await wait_until_settled(root, quiet=0.2, limit=5)
    assert quiet_for(fingerprint(root)) >= 0.2

    async def keep_writing() -> None:
        for n in range(100):
            (root / "faq.yaml").write_text(MINIMAL_FAQ + f"# {n}\n")
            await asyncio.sleep(0.02)

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.05)  # the writer has started
    try:
        assert not await wait_until_settled(root, quiet=0.2, limit=0.5)
    finally:
        writer.cancel()
