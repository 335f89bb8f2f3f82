"""The shipped corpus's house rules, which ``careerbot kb check`` reports as warnings.

A corpus can be valid (the bot loads and serves it) and still break this project's
rules, which CI holds the shipped corpus to: every answer cites the articles it comes
from (``sources``) and ends with its source line, and every file reads the same in
every YAML parser (an editor's, PyYAML's pure-Python one), not only in the libyaml
parser the bot uses. Moderators must learn those rules from ``kb check``, not from a
failed CI run, so they live here, and ``kb check --strict`` (what CI runs) fails on
any of them. They are not load errors: a test corpus, or a server's own, may leave
sources out.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from knowledge.corpus import Corpus
from knowledge.loader import Issue
from knowledge.models import FaqEntry

#: The last line of an answer names its sources: *Source: "..."* or *Sources: ...*.
SOURCE_LINE = re.compile(r"\bSources?\b")


def _id_line(path: Path, entry_id: str) -> int:
    pattern = re.compile(rf"^\s*(?:-\s*)?id:\s*['\"]?{re.escape(entry_id)}['\"]?\s*(?:#.*)?$")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 1)


def _entry_warnings(corpus: Corpus, entry: FaqEntry) -> list[Issue]:
    path = corpus.files.get(entry.id)
    if path is None:
        return []
    line = _id_line(path, entry.id)
    found = []
    if not entry.sources:
        found.append(
            Issue(
                str(path), line, 1,
                f"warning: FAQ entry '{entry.id}' names no source: add 'sources:' with the "
                "titles of the articles its answer comes from, one per line",
            )
        )  # fmt: skip
    last = entry.answer.strip().splitlines()[-1] if entry.answer.strip() else ""
    if not SOURCE_LINE.search(last):
        found.append(
            Issue(
                str(path), line, 1,
                f"warning: the answer of '{entry.id}' should end with its source line, "
                'e.g. *Source: "How to become a Machine Learning Engineer?"*',
            )
        )  # fmt: skip
    return found


def _portable(path: Path) -> list[Issue]:
    """The file as PyYAML's pure-Python parser reads it. libyaml (what the bot uses)
    accepts some text others refuse, e.g. ``[How to become an ML Engineer?]``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # the loader reports unreadable files
    try:
        yaml.load(text, Loader=yaml.SafeLoader)  # the pure-Python safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return [
            Issue(
                str(path), line, column,
                "warning: other YAML readers (editors, PyYAML) cannot read this line "
                f"({exc.problem}); the bot can, but write it so both do: put the text "
                "in quotes, or write the list one item per line ('- ...')",
            )
        ]  # fmt: skip
    except yaml.YAMLError:
        return []
    return []


def style_warnings(corpus: Corpus) -> list[Issue]:
    """Every house-rule warning of a valid corpus, in file order."""
    found = [w for entry in corpus.faq for w in _entry_warnings(corpus, entry)]
    for path in sorted({*corpus.files.values(), *corpus.synonym_files.values()}):
        found += _portable(path)
    return sorted(found)
