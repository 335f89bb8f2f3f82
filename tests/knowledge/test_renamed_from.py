"""``renamed_from:`` on checklist items: what the loader accepts and what the corpus maps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge import check_corpus, load_corpus
from tests.knowledge.conftest import MINIMAL_FAQ

WriteCorpus = Callable[..., Path]

SKILL = """\
skills:
  - id: version-control
    name: Version control
    summary: Track changes.
    why: Teams need history.
    checklist:
      - id: version-control/git-basics
        title: Commit with git
        renamed_from: [version-control/commits, version-control/first-commit]
      - id: version-control/branches
        title: Use branches
        renamed_from: {branches_from}
    practice:
      - Put a project on a public repository.
"""


def skill(branches_from: str = "[]") -> str:
    return SKILL.format(branches_from=branches_from)


def problems(root: Path) -> list[str]:
    corpus, issues = check_corpus(root)
    assert corpus is None, "a corpus with problems must not be returned"
    return [f"{Path(i.file).name}:{i.line}:{i.column}: {i.message}" for i in issues]


def test_renames_map_old_ids_to_the_item_now_holding_them(write_corpus: WriteCorpus) -> None:
    corpus = load_corpus(write_corpus({"faq.yaml": MINIMAL_FAQ, "vc.yaml": skill()}))
    assert corpus.renames == {
        "version-control/commits": ("version-control/git-basics", "version-control"),
        "version-control/first-commit": ("version-control/git-basics", "version-control"),
    }
    # Buttons posted before the rename still reach the item.
    found = corpus.checklist_item("version-control/commits")
    assert found is not None and found[1].id == "version-control/git-basics"
    assert [item.id for _, item in corpus.checklist_items] == [
        "version-control/git-basics",
        "version-control/branches",
    ]


def test_an_old_id_that_is_still_an_item_is_refused(write_corpus: WriteCorpus) -> None:
    root = write_corpus({"vc.yaml": skill("[version-control/git-basics]")})
    assert problems(root) == [
        "vc.yaml:12:24: 'renamed_from' lists 'version-control/git-basics', which is still a "
        "checklist item (vc.yaml:7); remove it there, or drop it from 'renamed_from'"
    ]


def test_an_item_renamed_from_itself_or_twice_claimed(write_corpus: WriteCorpus) -> None:
    root = write_corpus(
        {"vc.yaml": skill("[version-control/branches, version-control/first-commit]")}
    )
    assert problems(root) == [
        "vc.yaml:12:24: 'renamed_from' lists the item itself ('version-control/branches')",
        "vc.yaml:12:50: 'version-control/first-commit' is also in the 'renamed_from' of "
        "'version-control/git-basics' (vc.yaml:9); progress can move to one item only",
    ]


def test_renamed_from_must_hold_item_ids(write_corpus: WriteCorpus) -> None:
    found = problems(write_corpus({"vc.yaml": skill("[Not An Id]")}))
    assert len(found) == 1 and found[0].startswith("vc.yaml:12:24:")
