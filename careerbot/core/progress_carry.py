"""Keep members' progress attached to the checklist the bot serves.

When the corpus changes (start-up, ``/kb reload``, the watcher), progress stored under
an item's old id is moved to the item that declares it in ``renamed_from:``, and
progress on items that are simply gone is counted, so moderators learn how many
members a removal affects instead of members silently losing it from ``/progress``.

:func:`carry_over_progress` is the one plain function every path calls;
:class:`ProgressCarrier` is a small service that calls it at start and whenever the
served corpus is replaced, however it was replaced, so no reload path has to remember.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from careerbot.runtime.services import stop_loop
from knowledge import Corpus, KnowledgeBase
from knowledge.checklist_progress import (
    RemovedItem,
    WaitingRename,
    removed_with_progress,
    renames_waiting,
)
from storage import Storage, StorageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CarryReport:
    """What one carry-over did and found."""

    moved: int
    """Progress rows moved to new ids (one per member and renamed item)."""
    renamed: tuple[WaitingRename, ...]
    """The renames that had progress to move (counts from before the move)."""
    removed: tuple[RemovedItem, ...]
    """Stored ids with progress that the corpus no longer has."""

    def carried_lines(self) -> list[str]:
        return [
            f"Carried over the progress of {_members(r.members)} from '{r.old_id}' to '{r.new_id}'."
            for r in self.renamed
        ]

    def removed_lines(self) -> list[str]:
        return [removed.describe() + "." for removed in self.removed]

    def lines(self) -> list[str]:
        """One sentence per finding, for moderators."""
        return self.carried_lines() + self.removed_lines()


def _members(count: int) -> str:
    return "1 member" if count == 1 else f"{count} members"


async def carry_over_progress(db: Storage, corpus: Corpus) -> CarryReport:
    """Move progress to renamed items and count progress on removed ones (idempotent)."""
    counts = await db.progress_item_counts()
    waiting = renames_waiting(corpus, counts)
    moved = 0
    if waiting:
        renames = corpus.renames
        moved = await db.rename_progress_items({w.old_id: renames[w.old_id] for w in waiting})
        counts = await db.progress_item_counts()
    return CarryReport(moved, tuple(waiting), tuple(removed_with_progress(corpus, counts)))


async def progress_lines(db: Storage, corpus: Corpus) -> list[str]:
    """:func:`carry_over_progress` as lines for a moderator's reload reply; a storage
    failure becomes a line too, since the reload itself has already succeeded."""
    try:
        return (await carry_over_progress(db, corpus)).lines()
    except StorageError as exc:
        log.warning("could not carry progress over after a reload: %s", exc)
        return [f"(Could not check members' progress against the new corpus: {exc})"]


class ProgressCarrier:
    """A :class:`careerbot.runtime.services.Service`: carries progress over at start and after every
    corpus swap (it notices the swap by the served corpus object changing)."""

    name = "progress carrier"

    def __init__(self, kb: KnowledgeBase, db: Storage, interval: float = 2.0) -> None:
        self.kb = kb
        self.db = db
        self.interval = interval
        self._seen: Corpus | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.check()
        self._task = asyncio.create_task(self._run(), name="careerbot: progress carrier")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await stop_loop(task)

    async def check(self) -> CarryReport | None:
        """Carry over for the served corpus if it is not the one seen last."""
        corpus = self.kb.corpus
        if corpus is self._seen:
            return None
        report = await carry_over_progress(self.db, corpus)
        self._seen = corpus
        for line in report.carried_lines():
            log.info("%s", line)
        for line in report.removed_lines():
            log.warning("%s", line)
        return report

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception:  # a failing database must not end the service
                log.exception("carrying progress over to the reloaded corpus failed")
