"""A reload that would take something away from members is held back.

The half-written-file sweep: every file of the shipped corpus, cut at every line
boundary (what a reader sees of a file caught mid-save), must either fail validation
or be held back by :func:`corpus_losses`, so members are never served a cut answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from knowledge import DEFAULT_KNOWLEDGE_PATH, Corpus, check_corpus
from knowledge.loader import check_file, check_texts
from knowledge.losses import corpus_losses
from tests.knowledge.conftest import MINIMAL_FAQ

#: What members never see of an entry: it only helps matching.
UNSEEN = {"phrasings", "keywords"}


def seen(corpus: Corpus) -> dict[str, Any]:
    """Everything members can read, by entry id, plus the synonyms the matcher uses."""
    view: dict[str, Any] = {
        entry_id: corpus.entry(entry_id).model_dump(exclude=UNSEEN)  # type: ignore[union-attr]
        for entry_id in corpus.ids
    }
    view["synonyms"] = dict(corpus.synonyms)
    return view


def test_no_cut_of_any_shipped_file_is_served() -> None:
    root = DEFAULT_KNOWLEDGE_PATH
    served, issues = check_corpus(root)
    assert served is not None, issues
    expected = seen(served)
    cuts = valid = 0
    for relative, text in served.texts.items():
        lines = text.splitlines(keepends=True)
        for keep in range(len(lines)):
            cut = "".join(lines[:keep])
            cuts += 1
            if check_file(root, relative, cut):
                continue  # a problem in the file alone fails the whole corpus too
            new, _ = check_texts(root, {**served.texts, relative: cut})
            if new is None:
                continue
            valid += 1
            if corpus_losses(served, new):
                continue  # held back
            assert seen(new) == expected, f"{relative} cut after {keep} lines is served"
    assert cuts > 1_500 and valid > 500  # the sweep really ran, and validation alone fails
    print(f"{cuts} cuts, {valid} valid, none served")


def test_no_cut_inside_a_line_is_served() -> None:
    """``head -c`` cuts anywhere: the issue's example is 200 bytes into an answer, whose
    last words became "...that this i". Every line of one FAQ, one skill and the
    synonyms, cut in its middle."""
    root = DEFAULT_KNOWLEDGE_PATH
    served, _ = check_corpus(root)
    assert served is not None
    expected = seen(served)
    phd = served.texts["faq/do-i-need-a-phd.yaml"]
    answer_at = phd.index("    answer: |") + len("    answer: |\n")
    cuts = [("faq/do-i-need-a-phd.yaml", answer_at + 200)]
    for relative in ("faq/do-i-need-a-phd.yaml", "skills/programming.yaml", "synonyms.yaml"):
        offset = 0
        for line in served.texts[relative].splitlines(keepends=True):
            cuts.append((relative, offset + len(line) // 2))
            offset += len(line)
    for relative, at in cuts:
        new, _ = check_texts(root, {**served.texts, relative: served.texts[relative][:at]})
        if new is not None and not corpus_losses(served, new):
            assert seen(new) == expected, f"{relative} cut at byte {at} is served"


SKILL = """\
skills:
  - id: version-control
    name: Version control
    summary: Track changes with git.
    why: |
      Every team uses git.

      Reviews happen on branches.
    checklist:
      - id: version-control/commits
        title: Make small commits
      - id: version-control/branches
        title: Work on a branch
    practice: [Use git for a project, Open a pull request]
"""
SYNONYMS = "synonyms:\n  mle: machine learning engineer\n  k8s: kubernetes\n"


_FOLDERS = itertools.count()


def load(write_corpus: Callable[..., Path], **files: str) -> Corpus:
    """The three-file corpus above, with some files replaced (``skills_yaml=...``)."""
    texts = {"faq.yaml": MINIMAL_FAQ, "skills.yaml": SKILL, "synonyms.yaml": SYNONYMS}
    texts.update({name.replace("_", "."): text for name, text in files.items()})
    corpus, issues = check_corpus(write_corpus(texts, folder=f"c{next(_FOLDERS)}"))
    assert corpus is not None, issues
    return corpus


def test_emptied_synonyms_and_skill_files_are_losses(write_corpus: Callable[..., Path]) -> None:
    old = load(write_corpus)
    emptied = load(write_corpus, synonyms_yaml="", skills_yaml="")
    found = [str(loss) for loss in corpus_losses(old, emptied)]
    assert found == [
        "skills.yaml: checklist item 'version-control/branches' would be removed (members' "
        "progress on it would no longer show)",
        "skills.yaml: checklist item 'version-control/commits' would be removed (members' "
        "progress on it would no longer show)",
        "skills.yaml: skill 'version-control' would be removed",
        "synonyms.yaml: synonym 'k8s' (kubernetes) would be removed",
        "synonyms.yaml: synonym 'mle' (machine learning engineer) would be removed",
    ]


def test_cut_texts_and_lists_are_losses(write_corpus: Callable[..., Path]) -> None:
    old = load(write_corpus)
    cut = load(
        write_corpus,
        skills_yaml=SKILL.replace("\n      Reviews happen on branches.", "").replace(
            ", Open a pull request", ""
        ),
        faq_yaml=MINIMAL_FAQ.replace("engineering experience, not a doctorate", "engin"),
    )
    found = sorted(
        (loss.kind, loss.id, loss.message.split(" would ")[0]) for loss in corpus_losses(old, cut)
    )
    assert found == [
        ("list", "version-control", "'practice' of 'version-control'"),
        ("text", "do-i-need-a-phd", "'answer' of 'do-i-need-a-phd'"),
        ("text", "version-control", "'why' of 'version-control'"),
    ]


def test_ordinary_edits_are_not_losses(write_corpus: Callable[..., Path]) -> None:
    old = load(write_corpus)
    edited = load(
        write_corpus,
        faq_yaml=MINIMAL_FAQ.replace("No. Most roles", "No, most roles").replace(
            "      - can I get hired without a PhD\n", "      - no phd ok?\n"
        ),
        skills_yaml=SKILL.replace("Every team uses git.", "Every team uses git, daily.").replace(
            "    practice:",
            "      - id: version-control/rebase\n        title: Rebase\n    practice:",
        ),
        synonyms_yaml=SYNONYMS + "  cv: computer vision\n",
    )
    assert corpus_losses(old, edited) == []
