"""Reloads are all-or-nothing: a broken edit never takes answers away."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge import KnowledgeBase
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
