"""``phrasings:`` and ``drafts:`` blocks: what moderators add from Discord, checked like
the rest of the corpus; extra phrasings are served, drafts are not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge import KnowledgeBase, check_corpus
from tests.knowledge.conftest import MINIMAL_FAQ

WriteCorpus = Callable[..., Path]


def problems(root: Path) -> list[str]:
    corpus, issues = check_corpus(root)
    assert corpus is None, "a corpus with problems must not be returned"
    return [f"{Path(i.file).name}:{i.line}:{i.column}: {i.message}" for i in issues]


def test_extra_phrasings_join_their_entry_and_are_matched(write_corpus: WriteCorpus) -> None:
    root = write_corpus(
        {
            "faq.yaml": MINIMAL_FAQ,
            "community/phrasings.yaml": """\
                phrasings:
                  do-i-need-a-phd:
                    - must I hold a doctorate to land an mle role
                """,
        }
    )
    corpus, issues = check_corpus(root)
    assert issues == [] and corpus is not None
    entry = corpus.entry("do-i-need-a-phd")
    assert entry is not None
    assert entry.phrasings[-1] == "must I hold a doctorate to land an mle role"
    kb = KnowledgeBase.load(root)
    assert kb.ask("must I hold a doctorate to land an mle role").match.id == "do-i-need-a-phd"  # type: ignore[union-attr]


def test_extra_phrasings_are_checked_across_the_corpus(write_corpus: WriteCorpus) -> None:
    root = write_corpus(
        {
            "faq.yaml": MINIMAL_FAQ,
            "community/phrasings.yaml": """\
                phrasings:
                  do-i-need-a-phd:
                    - best language to learn for ML
                  no-such-entry:
                    - a fine phrasing
                  which-programming-language: [""]
                """,
        }
    )
    found = problems(root)
    assert any(
        f.startswith("phrasings.yaml:3:7: phrasing 'best language to learn for ML' is also used by")
        and "'which-programming-language'" in f
        for f in found
    ), found
    assert any("'no-such-entry', which is no entry in the corpus" in f for f in found), found
    assert any("a phrasing of 'which-programming-language' is empty" in f for f in found), found


def test_a_draft_is_checked_but_not_served(write_corpus: WriteCorpus) -> None:
    draft = """\
        drafts:
          - id: remote-jobs
            question: Can I work remotely as an ML engineer?
            phrasings: [remote ml engineer jobs]
            answer: Often, yes; many teams hire remotely.
        """
    root = write_corpus({"faq.yaml": MINIMAL_FAQ, "community/drafts.yaml": draft})
    corpus, issues = check_corpus(root)
    assert issues == [] and corpus is not None
    assert "remote-jobs" not in corpus
    assert [d.id for d in corpus.drafts] == ["remote-jobs"]
    kb = KnowledgeBase.load(root)
    result = kb.ask("Can I work remotely as an ML engineer?")
    seen = {c.id for c in (result.match, result.best, *result.suggestions) if c is not None}
    assert "remote-jobs" not in seen

    clash = draft.replace("remote-jobs", "do-i-need-a-phd").replace(
        "remote ml engineer jobs", "phd needed for mle?"
    )
    found = problems(write_corpus({"faq.yaml": MINIMAL_FAQ, "community/drafts.yaml": clash}))
    assert any("duplicate id 'do-i-need-a-phd'" in f for f in found), found
    assert any("phrasing 'phd needed for mle?' is also used by" in f for f in found), found
