"""Members' stored progress against the checklist a corpus defines.

Progress is stored against checklist item ids. A moderator who renames or removes an
item changes what those ids mean: a rename declared with ``renamed_from:`` carries the
progress over, anything else leaves it orphaned, and members silently lose it from
``/progress``. These plain functions take the counts storage gives
(``{item id: members with progress}``) and say which stored ids the corpus no longer
has, so ``kb check --db`` and reloads can tell moderators how many members it affects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from knowledge.corpus import Corpus


@dataclass(frozen=True)
class RemovedItem:
    """A stored item id the corpus has neither as an item nor in any ``renamed_from``."""

    item_id: str
    members: int

    def describe(self) -> str:
        members = "1 member has" if self.members == 1 else f"{self.members} members have"
        return (
            f"{members} progress on checklist item '{self.item_id}', which is no longer in "
            "the corpus: if an item replaces it, add 'renamed_from: "
            f"[{self.item_id}]' to that item; otherwise their progress on it is no "
            "longer shown"
        )


@dataclass(frozen=True)
class WaitingRename:
    """Progress still stored under an old id that ``renamed_from`` will carry over."""

    old_id: str
    new_id: str
    members: int

    def describe(self) -> str:
        members = "1 member's" if self.members == 1 else f"{self.members} members'"
        return (
            f"{members} progress on '{self.old_id}' will move to '{self.new_id}' "
            "(renamed_from) when the bot next loads this corpus"
        )


def removed_with_progress(corpus: Corpus, counts: Mapping[str, int]) -> list[RemovedItem]:
    """Stored ids with progress that the corpus dropped, most members first."""
    live = {item.id for _, item in corpus.checklist_items}
    renamed = corpus.renames
    removed = [
        RemovedItem(item_id, members)
        for item_id, members in counts.items()
        if members > 0 and item_id not in live and item_id not in renamed
    ]
    return sorted(removed, key=lambda r: (-r.members, r.item_id))


def renames_waiting(corpus: Corpus, counts: Mapping[str, int]) -> list[WaitingRename]:
    """Old ids that still hold progress and that ``renamed_from`` maps to an item."""
    waiting = [
        WaitingRename(old, new, counts[old])
        for old, (new, _) in corpus.renames.items()
        if counts.get(old, 0) > 0
    ]
    return sorted(waiting, key=lambda w: (-w.members, w.old_id))
