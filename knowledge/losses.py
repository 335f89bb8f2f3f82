"""What a new corpus would take away from members, compared with the one being served.

A corpus can be perfectly valid and still be a mistake: a file caught half-written by
the watcher validates whenever the cut falls between two entries or inside an answer
(647 of 1,656 cuts of the shipped corpus did), and an emptied ``synonyms.yaml`` is a
valid, empty file. Validation cannot see these; a comparison with what is served can.
:func:`corpus_losses` lists every loss, and a reload that has any is held back until a
moderator accepts it on purpose (``/kb reload force:true``).

What counts as a loss:

* an entry, a checklist item or a synonym that is no longer there;
* text members read (a FAQ answer or question, a skill's name, summary, ``why`` or a
  checklist title) that is now the start of what it was, i.e. cut short at the end,
  the mark of a half-written file; or that shrank to less than half its length;
* a list members see (``sources``, ``related``, ``practice``) that lost its last items
  (or whose last item is cut short) and kept the rest as they were: the same mark,
  one level up; and a synonym whose meaning is cut short.

Edits in the middle of a text or a list, rewording, additions and reordering are not
losses. Phrasings and keywords are not compared: they only help matching, and moderators
prune them as a matter of course.

It is a plain function of two corpora so that other checks (members' progress on a
removed checklist item, say) can add their own losses to the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.corpus import Corpus, Entry
from knowledge.models import FaqEntry, SkillEntry

#: New text shorter than this fraction of the old counts as a loss even when edited.
SHRINK_LIMIT = 0.5


@dataclass(frozen=True, order=True)
class Loss:
    """One thing members would lose; ``file`` is relative to the corpus folder."""

    file: str
    kind: str
    """``entry``, ``checklist item``, ``synonym``, ``text`` or ``list``."""
    id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


def corpus_losses(old: Corpus, new: Corpus) -> list[Loss]:
    """Every loss going from ``old`` (served) to ``new`` (just loaded), sorted by file."""
    losses: list[Loss] = []
    # An item listed in a new item's ``renamed_from`` moves, with members' progress.
    renamed = set(new.renames)
    for entry_id in old.ids:
        before = old.entry(entry_id)
        assert before is not None
        after = new.entry(entry_id)
        file = _file_of(old, entry_id)
        if after is None or type(after) is not type(before):
            kind = "FAQ entry" if isinstance(before, FaqEntry) else "skill"
            losses.append(Loss(file, "entry", entry_id, f"{kind} '{entry_id}' would be removed"))
            if isinstance(before, SkillEntry):
                losses.extend(_lost_items(file, before, None, renamed))
            continue
        losses.extend(_entry_losses(_file_of(new, entry_id) or file, before, after, renamed))
    for word, meaning in old.synonyms.items():
        now = new.synonyms.get(word)
        if now is None:
            message = f"synonym '{word}' ({meaning}) would be removed"
        elif now != meaning and meaning.startswith(now):
            message = f"synonym '{word}' would mean '{now}', cut short from '{meaning}'"
        else:
            continue
        losses.append(Loss(_synonym_file(old, word), "synonym", word, message))
    return sorted(losses)


def _entry_losses(file: str, before: Entry, after: Entry, renamed: set[str]) -> list[Loss]:
    losses: list[Loss] = []
    for field in _TEXTS[type(before)]:
        old_text, new_text = getattr(before, field), getattr(after, field)
        if _cut(old_text, new_text):
            losses.append(
                Loss(
                    file,
                    "text",
                    before.id,
                    f"'{field}' of '{before.id}' would shrink from {len(old_text):,} to "
                    f"{len(new_text):,} characters{_how(old_text, new_text)}",
                )
            )
    for field in _LISTS[type(before)]:
        old_list, new_list = getattr(before, field), getattr(after, field)
        if _cut_list(old_list, new_list):
            losses.append(
                Loss(
                    file,
                    "list",
                    before.id,
                    f"'{field}' of '{before.id}' would be cut short: {len(new_list)} of "
                    f"{len(old_list)} item(s) left, the last as it began",
                )
            )
    if isinstance(before, SkillEntry) and isinstance(after, SkillEntry):
        losses.extend(_lost_items(file, before, after, renamed))
    return losses


def _lost_items(
    file: str, before: SkillEntry, after: SkillEntry | None, renamed: set[str]
) -> list[Loss]:
    kept = {item.id: item for item in after.checklist} if after is not None else {}
    losses = []
    for item in before.checklist:
        now = kept.get(item.id)
        if now is None and item.id in renamed:
            continue
        if now is None:
            losses.append(
                Loss(
                    file,
                    "checklist item",
                    item.id,
                    f"checklist item '{item.id}' would be removed (members' progress on it "
                    "would no longer show)",
                )
            )
        elif _cut(item.title, now.title):
            losses.append(
                Loss(
                    file,
                    "text",
                    item.id,
                    f"title of checklist item '{item.id}' would shrink from "
                    f"{len(item.title)} to {len(now.title)} characters"
                    f"{_how(item.title, now.title)}",
                )
            )
    return losses


_TEXTS: dict[type, tuple[str, ...]] = {
    FaqEntry: ("question", "answer"),
    SkillEntry: ("name", "summary", "why"),
}
_LISTS: dict[type, tuple[str, ...]] = {
    FaqEntry: ("sources", "related"),
    SkillEntry: ("practice", "sources", "related"),
}


def _cut(old: str, new: str) -> bool:
    """Cut short at the end, or shrunk past :data:`SHRINK_LIMIT`."""
    if len(new) >= len(old):
        return False
    return old.startswith(new) or len(new) < len(old) * SHRINK_LIMIT


def _cut_list(old: Sequence[str], new: Sequence[str]) -> bool:
    """The end of ``old`` missing: shorter, or its last item cut, the rest as it was."""
    if list(new) == list(old) or len(new) > len(old):
        return False
    if not new:
        return True
    *head, last = new
    return list(old[: len(head)]) == head and old[len(head)].startswith(last)


def _how(old: str, new: str) -> str:
    return " (cut short: a half-saved file?)" if old.startswith(new) else ""


def _file_of(corpus: Corpus, entry_id: str) -> str:
    path = corpus.files.get(entry_id)
    return _relative(path, corpus.root) if path is not None else "?"


def _synonym_file(corpus: Corpus, word: str) -> str:
    path = corpus.synonym_files.get(word)
    return _relative(path, corpus.root) if path is not None else "synonyms"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() if path != root else path.name
    except ValueError:
        return path.name


def describe(losses: Sequence[Loss], limit: int = 10) -> list[str]:
    """The first ``limit`` losses as lines, and how many more there are."""
    lines = [str(loss) for loss in losses[:limit]]
    if len(losses) > limit:
        lines.append(f"... and {len(losses) - limit} more")
    return lines
