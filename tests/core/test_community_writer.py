"""The moderators' corpus writer, without Discord: real YAML files in a real folder,
checked and reloaded by the real knowledge base."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest

from careerbot.core.community import CorpusWriter, Draft, Moderator
from careerbot.core.community.changes import read as read_log
from knowledge import KnowledgeBase, check_corpus
from tests.knowledge.conftest import MINIMAL_FAQ
from tests.readonly import read_only

MOD = Moderator(11, "Mo")
OTHER = Moderator(12, "Ada")
NEW_PHRASING = "must I hold a doctorate to land an mle role"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "faq.yaml").write_text(MINIMAL_FAQ, encoding="utf-8")
    return root


@pytest.fixture
def writer(corpus_dir: Path) -> CorpusWriter:
    return CorpusWriter(KnowledgeBase.load(corpus_dir))


def answered(writer: CorpusWriter, question: str) -> str | None:
    result = writer.kb.ask(question)
    return result.match.id if result.match else None


def drafted(**changes: object) -> Draft:
    fields: dict[str, object] = {
        "id": "remote-jobs",
        "question": "Can I work remotely as an ML engineer?",
        "answer": "Often, yes.\nMany teams hire remotely; say so in your applications.",
        "phrasings": ("remote ml engineer jobs", "work from home as an mle"),
    }
    fields.update(changes)
    return Draft(**fields)  # type: ignore[arg-type]


async def test_a_phrasing_is_written_checked_logged_and_served(
    writer: CorpusWriter, corpus_dir: Path
) -> None:
    assert answered(writer, NEW_PHRASING) != "do-i-need-a-phd"
    outcome = await writer.add_phrasing(MOD, "do-i-need-a-phd", NEW_PHRASING)
    assert outcome.ok, outcome
    assert outcome.reload is not None and outcome.reload.ok
    path = corpus_dir / "community" / "phrasings.yaml"
    corpus, issues = check_corpus(corpus_dir)
    assert issues == [] and corpus is not None
    assert NEW_PHRASING in path.read_text(encoding="utf-8")
    assert answered(writer, NEW_PHRASING) == "do-i-need-a-phd"
    [change] = read_log(corpus_dir)
    assert (change.who_id, change.who, change.action) == (11, "Mo", "add-phrasing")
    assert change.before is None and change.file == "community/phrasings.yaml"
    assert not [p for p in (corpus_dir / "community").iterdir() if p.suffix == ".tmp"]


async def test_a_phrasing_another_entry_uses_is_refused_with_the_problem(
    writer: CorpusWriter, corpus_dir: Path
) -> None:
    outcome = await writer.add_phrasing(MOD, "do-i-need-a-phd", "best language to learn for ML")
    assert outcome.status == "invalid"
    assert any("also used by 'which-programming-language'" in i for i in outcome.issues)
    assert not (corpus_dir / "community" / "phrasings.yaml").exists()
    assert read_log(corpus_dir) == []
    unknown = await writer.add_phrasing(MOD, "no-such-entry", "hello there")
    assert unknown.status == "refused" and "no entry" in unknown.message


async def test_a_draft_is_not_served_until_accepted(writer: CorpusWriter) -> None:
    question = "Can I work remotely as an ML engineer?"
    outcome = await writer.draft_entry(MOD, drafted())
    assert outcome.ok, outcome
    assert [d.id for d in writer.kb.corpus.drafts] == ["remote-jobs"]
    assert answered(writer, question) is None
    too_few = await writer.accept_draft(MOD, "remote-jobs")
    assert too_few.status == "refused" and "at least 4" in too_few.message
    for phrasing in ("can ml engineers work remote", "is remote work common in ml"):
        assert (await writer.add_phrasing(OTHER, "remote-jobs", phrasing)).ok
    accepted = await writer.accept_draft(MOD, "remote-jobs")
    assert accepted.ok, accepted
    assert writer.kb.corpus.drafts == ()
    assert answered(writer, question) == "remote-jobs"
    entry = writer.kb.corpus.entry("remote-jobs")
    assert entry is not None and entry.answer.startswith("Often, yes.\nMany teams")


async def test_undo_restores_the_file_byte_for_byte(writer: CorpusWriter, corpus_dir: Path) -> None:
    path = corpus_dir / "community" / "phrasings.yaml"
    path.parent.mkdir()
    hand_written = textwrap.dedent(
        """\
        # Kept by hand: this comment and the odd spacing must survive an undo.
        phrasings:
          which-programming-language:
            -   what language for ai
        """
    ).encode()
    path.write_bytes(hand_written)
    writer.kb.reload()
    assert (await writer.add_phrasing(MOD, "do-i-need-a-phd", NEW_PHRASING)).ok
    assert path.read_bytes() != hand_written
    undone = await writer.undo(OTHER)
    assert undone.ok, undone
    assert path.read_bytes() == hand_written
    assert answered(writer, NEW_PHRASING) != "do-i-need-a-phd"
    assert read_log(corpus_dir)[-1].undoes == 1
    nothing = await writer.undo(OTHER)
    assert nothing.status == "refused" and "no change to undo" in nothing.message


async def test_undo_of_a_created_file_removes_it_and_a_reject_comes_back(
    writer: CorpusWriter, corpus_dir: Path
) -> None:
    entries = corpus_dir / "community" / "entries.yaml"
    assert (await writer.draft_entry(MOD, drafted())).ok
    written = entries.read_bytes()
    assert (await writer.reject_draft(MOD, "remote-jobs")).ok
    assert writer.kb.corpus.drafts == ()
    assert (await writer.undo(MOD)).ok
    assert entries.read_bytes() == written
    assert [d.id for d in writer.kb.corpus.drafts] == ["remote-jobs"]
    assert (await writer.undo(MOD)).ok
    assert not entries.exists()
    missing = await writer.reject_draft(MOD, "remote-jobs")
    assert missing.status == "refused" and "no draft 'remote-jobs'" in missing.message


async def test_undo_will_not_overwrite_a_hand_edit(writer: CorpusWriter, corpus_dir: Path) -> None:
    assert (await writer.add_phrasing(MOD, "do-i-need-a-phd", NEW_PHRASING)).ok
    path = corpus_dir / "community" / "phrasings.yaml"
    edited = path.read_text(encoding="utf-8") + "    - and one more by hand\n"
    path.write_text(edited, encoding="utf-8")
    outcome = await writer.undo(MOD)
    assert outcome.status == "refused" and "changed by hand" in outcome.message
    assert path.read_text(encoding="utf-8") == edited


async def test_two_moderators_adding_at_once_both_land(corpus_dir: Path) -> None:
    kb = KnowledgeBase.load(corpus_dir)
    # Two writers (as two bot processes would have) and two changes each, all at once.
    first, second = CorpusWriter(kb), CorpusWriter(kb)
    outcomes = await asyncio.gather(
        first.add_phrasing(MOD, "do-i-need-a-phd", "phd or no phd for ml jobs"),
        second.add_phrasing(OTHER, "which-programming-language", "rust for machine learning?"),
        first.add_phrasing(MOD, "which-programming-language", "is julia worth it for ml"),
        second.add_phrasing(OTHER, "do-i-need-a-phd", "doctorate needed to be an mle"),
    )
    assert all(o.ok for o in outcomes), outcomes
    corpus, issues = check_corpus(corpus_dir)
    assert issues == [] and corpus is not None
    phd, language = corpus.entry("do-i-need-a-phd"), corpus.entry("which-programming-language")
    assert phd is not None and language is not None
    assert {"phd or no phd for ml jobs", "doctorate needed to be an mle"} <= set(phd.phrasings)
    assert {"rust for machine learning?", "is julia worth it for ml"} <= set(language.phrasings)
    assert sorted(c.id for c in read_log(corpus_dir)) == [1, 2, 3, 4]


async def test_a_read_only_folder_gets_the_yaml_to_paste(
    writer: CorpusWriter, corpus_dir: Path, tmp_path: Path
) -> None:
    before = sorted(p.relative_to(corpus_dir) for p in corpus_dir.rglob("*"))
    with read_only(corpus_dir):
        outcome = await writer.add_phrasing(MOD, "do-i-need-a-phd", NEW_PHRASING)
        invalid = await writer.add_phrasing(MOD, "do-i-need-a-phd", "best language to learn for ml")
        undo = await writer.undo(MOD)
    assert outcome.status == "read_only", outcome
    assert "read-only" in outcome.message and outcome.file == "community/phrasings.yaml"
    assert invalid.status == "invalid"  # a paste that would break the corpus is not offered
    assert undo.status == "read_only"
    assert sorted(p.relative_to(corpus_dir) for p in corpus_dir.rglob("*")) == before
    # What it says to paste is a valid file, and does what was asked.
    assert outcome.paste is not None
    pasted = corpus_dir / outcome.file
    pasted.parent.mkdir()
    pasted.write_text(outcome.paste, encoding="utf-8")
    assert writer.kb.reload().ok
    assert answered(writer, NEW_PHRASING) == "do-i-need-a-phd"


@pytest.mark.parametrize(
    "answer",
    [
        "Yes: most teams do. # not a comment",
        "- starts like a list item\n\n  indented line\ttab, trailing space \nlast",
        "'quoted' and \"double\" and `code`, é ü 中文, emoji 🚀",
        "@everyone <@&123> **bold** > quote",
    ],
)
async def test_what_moderators_type_is_written_and_read_back_exactly(
    writer: CorpusWriter, answer: str
) -> None:
    question = "Is: this # a [tricky] question?"
    outcome = await writer.draft_entry(MOD, drafted(answer=answer, question=question))
    assert outcome.ok, outcome
    [draft] = writer.kb.corpus.drafts
    assert (draft.question, draft.answer) == (question, answer.strip())
