"""Every kind of corpus problem is reported with its file, line and column, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import CorpusInvalid, check_corpus, load_corpus
from tests.knowledge.conftest import MINIMAL_FAQ

WriteCorpus = Callable[..., Path]


def problems(root: Path) -> list[str]:
    corpus, issues = check_corpus(root)
    assert corpus is None, "a corpus with problems must not be returned"
    return [f"{Path(i.file).name}:{i.line}:{i.column}: {i.message}" for i in issues]


def test_minimal_faq_only_folder_is_a_valid_corpus(write_corpus: WriteCorpus) -> None:
    corpus = load_corpus(write_corpus())
    assert corpus.ids == ["do-i-need-a-phd", "which-programming-language"]
    assert corpus.kind("do-i-need-a-phd") == "faq"
    assert corpus.skills == ()


def test_unknown_key_names_position_and_suggests(write_corpus: WriteCorpus) -> None:
    text = MINIMAL_FAQ.replace("    answer: No.", "    keyword: [phd]\n    answer: No.")
    found = problems(write_corpus({"faq.yaml": text}))
    assert len(found) == 1
    assert found[0].startswith("faq.yaml:9:5: unknown field 'keyword'")
    assert "did you mean 'keywords'?" in found[0]


def test_missing_field_and_wrong_type(write_corpus: WriteCorpus) -> None:
    text = """\
    faq:
      - id: salary
        question: 42
        phrasings: [a one, b two, c three, d four]
    """
    found = problems(write_corpus({"faq.yaml": text}))
    assert "faq.yaml:2:5: missing required field 'answer' in FAQ entry 'salary'" in found
    assert any(
        f.startswith("faq.yaml:3:15: 'question' should be text, but it is the number 42")
        and "quotes" in f
        for f in found
    )


def test_list_expected_and_too_few_phrasings(write_corpus: WriteCorpus) -> None:
    text = """\
    faq:
      - id: a
        question: Question a?
        phrasings: just one string
        answer: x
      - id: b
        question: Question b?
        phrasings: [only, three, here]
        answer: y
    """
    found = problems(write_corpus({"faq.yaml": text}))
    assert any(f.startswith("faq.yaml:4:16: 'phrasings' should be a list") for f in found)
    assert "faq.yaml:8:16: 'phrasings' needs at least 4 items; it has 3 in FAQ entry 'b'" in found


def test_empty_and_overlong_answers(write_corpus: WriteCorpus) -> None:
    long_answer = "word " * 400
    text = MINIMAL_FAQ.replace(
        "answer: No. Most roles ask for engineering experience, not a doctorate.",
        'answer: "   "',
    ).replace(
        "answer: Python first; it has the libraries the field uses.", f"answer: {long_answer}"
    )
    found = problems(write_corpus({"faq.yaml": text}))
    assert "faq.yaml:9:13: 'answer' is empty in FAQ entry 'do-i-need-a-phd'" in found
    assert any(
        f.startswith("faq.yaml:17:13: 'answer' is 1,999 characters; the limit is 1,500")
        for f in found
    )


def test_duplicate_ids_across_files(write_corpus: WriteCorpus) -> None:
    other = """\
    faq:
      - id: do-i-need-a-phd
        question: Is a doctorate worth it?
        phrasings: [phd worth it, is a phd worth the time, doctorate value, should i do a phd]
        answer: Sometimes.
    """
    found = problems(write_corpus({"a.yaml": MINIMAL_FAQ, "b.yaml": other}))
    assert len(found) == 1
    assert found[0].startswith("b.yaml:2:9: duplicate id 'do-i-need-a-phd': also used at ")
    assert found[0].endswith("a.yaml:2")


def test_phrasing_used_by_two_entries(write_corpus: WriteCorpus) -> None:
    text = MINIMAL_FAQ.replace(
        "      - should I learn java or python", "      - Phd needed for MLE"
    )
    found = problems(write_corpus({"faq.yaml": text}))
    assert len(found) == 1
    assert found[0].startswith("faq.yaml:15:9: phrasing 'Phd needed for MLE' is also used by")
    assert "'do-i-need-a-phd'" in found[0]


def test_related_pointing_nowhere(write_corpus: WriteCorpus) -> None:
    text = MINIMAL_FAQ.replace("related: [do-i-need-a-phd]", "related: [do-i-need-a-ph]")
    found = problems(write_corpus({"faq.yaml": text}))
    assert found == [
        "faq.yaml:18:15: 'related' points at 'do-i-need-a-ph', which is no entry in the corpus "
        "(did you mean 'do-i-need-a-phd'?)"
    ]


SKILL = """\
skills:
  - id: version-control
    name: Version control
    summary: Track changes and collaborate with Git.
    why: Reproducible work needs history.
    checklist:
      - id: version-control/commits
        title: Make small commits
      - id: version-control/commits
        title: Write good messages
      - id: git/branches
        title: Use branches
    practice:
      - Put a project on a public repository.
"""


def test_checklist_duplicate_and_prefix(write_corpus: WriteCorpus) -> None:
    found = problems(write_corpus({"skills.yaml": SKILL}))
    assert any(
        f.startswith("skills.yaml:9:13: duplicate checklist id 'version-control/commits'")
        for f in found
    )
    assert (
        "skills.yaml:11:13: checklist item id 'git/branches' must start with "
        "'version-control/' (the id of its skill)"
    ) in found


def test_invalid_yaml_syntax_has_position(write_corpus: WriteCorpus) -> None:
    found = problems(write_corpus({"faq.yaml": "faq:\n  - id: x\n    question: [unclosed\n"}))
    assert len(found) == 1
    assert found[0].startswith("faq.yaml:4:1: invalid YAML")


def test_tab_indentation_gets_a_hint(write_corpus: WriteCorpus) -> None:
    found = problems(write_corpus({"faq.yaml": "faq:\n  - id: x\n\tquestion: y\n"}))
    assert "use spaces" in found[0]


def test_duplicate_yaml_key_is_reported_not_dropped(write_corpus: WriteCorpus) -> None:
    text = MINIMAL_FAQ.replace("    answer: No. Most", "    answer: First.\n    answer: No. Most")
    found = problems(write_corpus({"faq.yaml": text}))
    assert found == [
        "faq.yaml:10:5: duplicate key 'answer' (first at line 9); "
        "YAML would silently keep only the last one"
    ]


def test_all_errors_in_all_files_at_once(write_corpus: WriteCorpus) -> None:
    broken = MINIMAL_FAQ.replace("keyword", "x").replace("    answer: Python", "    anwser: Python")
    found = problems(
        write_corpus({"a.yaml": broken, "b.yaml": "faq: [\n", "c.yaml": "skills: {}\nextra: 1\n"})
    )
    files = {f.split(":")[0] for f in found}
    assert files == {"a.yaml", "b.yaml", "c.yaml"}
    assert any("unknown field 'anwser'" in f and "did you mean 'answer'" in f for f in found)
    assert any("unknown field 'extra' at the top level" in f for f in found)
    assert any("'skills' should be a list" in f for f in found)


def test_synonym_problems(write_corpus: WriteCorpus) -> None:
    text = "synonyms:\n  ml: machine learning\n  Deep Learning: dl\n  cv: cv\n  x: 3\n"
    found = problems(write_corpus({"faq.yaml": MINIMAL_FAQ, "synonyms.yaml": text}))
    assert any(
        f.startswith("synonyms.yaml:3:3: synonym 'Deep Learning' must be one") for f in found
    )
    assert any(f.startswith("synonyms.yaml:5:6: synonym 'x' should map to text") for f in found)
    # "cv: cv" is only caught once the file passes the schema, so fix the others first.
    text = "synonyms:\n  cv: cv\n"
    found = problems(write_corpus({"faq.yaml": MINIMAL_FAQ, "synonyms.yaml": text}))
    assert found == ["synonyms.yaml:2:3: synonym 'cv' maps to itself"]


def test_empty_folder_and_missing_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert [i.message for i in check_corpus(tmp_path / "empty")[1]] == [
        "no .yaml files found in this folder"
    ]
    assert [i.message for i in check_corpus(tmp_path / "nowhere")[1]] == ["no such folder"]


def test_load_corpus_raises_with_every_issue(write_corpus: WriteCorpus) -> None:
    text = MINIMAL_FAQ.replace("related: [do-i-need-a-phd]", "related: [nope, nada]")
    with pytest.raises(CorpusInvalid) as caught:
        load_corpus(write_corpus({"faq.yaml": text}))
    assert len(caught.value.issues) == 2


def test_skill_entry_and_learning_path(write_corpus: WriteCorpus) -> None:
    good = SKILL.replace(
        "      - id: version-control/commits\n        title: Write",
        "      - id: version-control/messages\n        title: Write",
    )
    good = good.replace("git/branches", "version-control/branches")
    other = """\
    skills:
      - id: programming
        order: 1
        name: Programming
        summary: Write Python.
        why: Everything is code.
        checklist: [{id: programming/python-basics, title: Learn Python basics}]
        practice: [Solve small exercises.]
    """
    corpus = load_corpus(write_corpus({"a.yaml": good, "b.yaml": other}))
    assert [s.id for s in corpus.learning_path()] == ["programming", "version-control"]
    assert corpus.learning_path_items()[1] == (
        "version-control",
        ["version-control/commits", "version-control/messages", "version-control/branches"],
    )
    skill, item = corpus.checklist_item("version-control/branches")  # type: ignore[misc]
    assert skill.id == "version-control" and item.title == "Use branches"


def test_unquoted_colon_in_a_value_gets_a_hint(write_corpus: WriteCorpus) -> None:
    found = problems(write_corpus({"faq.yaml": "faq:\n  - id: x\n    question: what: now\n"}))
    assert len(found) == 1
    assert found[0].startswith("faq.yaml:3:")
    assert "put the whole value in quotes" in found[0]


def test_messages_name_other_files_relative_to_the_corpus(
    write_corpus: WriteCorpus, tmp_path: Path
) -> None:
    """The server's absolute paths mean nothing to a moderator (and are not theirs to see)."""
    other = """\
    faq:
      - id: do-i-need-a-phd
        question: Is a doctorate worth it?
        phrasings: [phd worth it, is a phd worth the time, doctorate value, phd needed for mle?]
        answer: Sometimes.
    synonyms:
      mle: machine learning engineer
    """
    root = write_corpus(
        {"faq/a.yaml": MINIMAL_FAQ, "faq/b.yaml": other, "synonyms.yaml": "synonyms:\n  mle: x\n"}
    )
    _, issues = check_corpus(root)
    messages = [i.message for i in issues]
    assert "duplicate id 'do-i-need-a-phd': also used at faq/a.yaml:2" in messages
    assert any("is also used by 'do-i-need-a-phd' (faq/a.yaml:" in m for m in messages)
    assert any(
        "already defined as 'machine learning engineer' at faq/b.yaml:7" in m for m in messages
    )
    assert not any(str(tmp_path) in m for m in messages)


@pytest.mark.parametrize("folder", [".local/share/careerbot/knowledge", "a/.hidden/knowledge"])
def test_a_corpus_under_a_dot_folder_loads(
    write_corpus: WriteCorpus, folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pipx installs under ~/.local; ``--knowledge ../knowledge`` has a '..' part."""
    root = write_corpus({"faq.yaml": MINIMAL_FAQ}, folder=folder)
    assert len(load_corpus(root)) == 2
    monkeypatch.chdir(root.parent)
    assert len(load_corpus(Path("..") / root.parent.name / root.name)) == 2


def test_dot_entries_inside_the_corpus_are_still_skipped(write_corpus: WriteCorpus) -> None:
    root = write_corpus({"faq.yaml": MINIMAL_FAQ, ".git/x.yaml": "nonsense: [", ".old.yaml": "x"})
    assert len(load_corpus(root)) == 2
