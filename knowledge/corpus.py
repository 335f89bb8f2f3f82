"""The loaded corpus: entries by id, checklist items, the learning path.

A :class:`Corpus` is immutable once built, so the bot can swap in a freshly loaded one
atomically and requests in flight keep reading the one they started with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from knowledge.models import ChecklistItem, FaqDraft, FaqEntry, SkillEntry

Kind = Literal["faq", "skill"]
Entry = FaqEntry | SkillEntry


@dataclass(frozen=True)
class Corpus:
    """Every entry of a valid corpus, with lookups the bot and matcher need."""

    root: Path
    faq: tuple[FaqEntry, ...]
    skills: tuple[SkillEntry, ...]
    synonyms: Mapping[str, str]
    files: Mapping[str, Path] = field(default_factory=dict)
    synonym_files: Mapping[str, Path] = field(default_factory=dict, repr=False, compare=False)
    """The file each (normalised) synonym came from, to say where a lost one lived."""
    texts: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Each file's text as validated, by path relative to ``root``: what
    :mod:`knowledge.lastgood` saves, so the copy is exactly what was served."""
    drafts: tuple[FaqDraft, ...] = field(default=(), compare=False)
    """Entries drafted by moderators (``drafts:``): valid, but never matched or shown
    until accepted; listed by ``/kb drafts``."""
    _by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _items: dict[str, tuple[SkillEntry, ChecklistItem]] = field(
        init=False, repr=False, compare=False
    )
    _renamed: dict[str, tuple[SkillEntry, ChecklistItem]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_id: dict[str, Entry] = {e.id: e for e in self.faq}
        by_id.update({s.id: s for s in self.skills})
        items = {item.id: (skill, item) for skill in self.skills for item in skill.checklist}
        renamed = {old: found for found in items.values() for old in found[1].renamed_from}
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_renamed", renamed)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def kind(self, entry_id: str) -> Kind | None:
        entry = self._by_id.get(entry_id)
        if entry is None:
            return None
        return "faq" if isinstance(entry, FaqEntry) else "skill"

    def title(self, entry_id: str) -> str:
        """The heading a member sees for an entry: the question, or the skill's name."""
        entry = self._by_id[entry_id]
        return entry.question if isinstance(entry, FaqEntry) else entry.name

    def checklist_item(self, item_id: str) -> tuple[SkillEntry, ChecklistItem] | None:
        """The item with this id, or the item it was renamed to (``renamed_from``), so
        buttons posted before a rename keep acting on the same item."""
        return self._items.get(item_id) or self._renamed.get(item_id)

    @property
    def renames(self) -> dict[str, tuple[str, str]]:
        """Old item id -> (its new id, the new item's skill id), from ``renamed_from``."""
        return {old: (item.id, skill.id) for old, (skill, item) in self._renamed.items()}

    @property
    def checklist_items(self) -> list[tuple[SkillEntry, ChecklistItem]]:
        return list(self._items.values())

    def learning_path(self) -> list[SkillEntry]:
        """Skills in the order a newcomer should learn them (``order``, then id)."""
        return sorted(self.skills, key=lambda s: (s.order, s.id))

    def learning_path_items(self) -> list[tuple[str, list[str]]]:
        """The learning path as ``(skill id, [item ids])``: what progress storage expects."""
        return [(s.id, [item.id for item in s.checklist]) for s in self.learning_path()]
