"""Reload the corpus when moderators change its files (``CAREERBOT_WATCH_KNOWLEDGE``).

A polling watcher: every ``interval`` seconds it takes a fingerprint of the corpus
files (relative path, size, modification time in nanoseconds; see
:mod:`knowledge.settle`). Polling needs no dependency, works on every OS and on bind
mounts (where inotify events often never arrive), and a few dozen ``stat`` calls
every two seconds cost nothing.

A change is reloaded only once the files have settled: the same fingerprint on two
polls in a row. A file caught half-written used to be served whenever the cut left
valid YAML (it often does: between two entries, inside an answer), so a reload also
re-checks the fingerprint after reading and is held back when the new corpus would
lose anything members had (:mod:`knowledge.losses`). Both go through
:meth:`careerbot.runtime.corpus_sync.CorpusSync.reload`, the same path as ``/kb
reload``, which also tells the other bot processes when the reload went through.
Files this process already serves (another process announced them first) are not
reloaded again.

A refused or held reload logs every problem or loss, and the old corpus keeps being
served; moderators see the same report when they run ``/kb reload``, and accept
losses on purpose with ``/kb reload force:true``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from careerbot.runtime.corpus_sync import CorpusSync
from careerbot.runtime.metrics import METRICS, Metrics
from careerbot.runtime.services import stop_loop
from knowledge import KnowledgeBase, issue_line
from knowledge.losses import describe
from knowledge.service import ReloadResult
from knowledge.settle import Fingerprint, fingerprint

log = logging.getLogger(__name__)

__all__ = ["Fingerprint", "KnowledgeWatcher", "fingerprint"]


class KnowledgeWatcher:
    """Polls the corpus folder and reloads on change; a
    :class:`careerbot.runtime.services.Service`."""

    name = "knowledge watcher"

    def __init__(
        self,
        kb: KnowledgeBase,
        interval: float = 2.0,
        *,
        on_reload: Callable[[ReloadResult], None] | None = None,
        metrics: Metrics = METRICS,
        sync: CorpusSync | None = None,
    ) -> None:
        self.kb = kb
        self.sync = sync if sync is not None else CorpusSync(kb, metrics=metrics)
        self.interval = interval
        self.on_reload = on_reload
        self.metrics = metrics
        self._task: asyncio.Task[None] | None = None
        self._seen: Fingerprint = frozenset()
        self._pending: Fingerprint | None = None

    async def start(self) -> None:
        self._seen = await asyncio.to_thread(fingerprint, self.kb.path)
        self._task = asyncio.create_task(self._run(), name="careerbot: knowledge watcher")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await stop_loop(task)

    async def poll(self) -> ReloadResult | None:
        """One look at the files; the reload's result when they changed and have settled
        (the same on this poll as on the one before)."""
        current = await asyncio.to_thread(fingerprint, self.kb.path)
        if current == self._seen:
            self._pending = None
            return None
        if current != self._pending:
            self._pending = current  # changed: wait one poll for the writer to finish
            return None
        self._seen, self._pending = current, None
        if current == self.kb.files:
            return None  # already served: another process announced these files
        result = await self.sync.reload(settle=False, by="file watcher")
        self.metrics.reloads.inc(result=result.outcome)
        self._report(result)
        if self.on_reload is not None:
            self.on_reload(result)
        return result

    def _report(self, result: ReloadResult) -> None:
        root = self.kb.path
        if result.ok:
            log.info("corpus changed on disk: reloaded %d entries", result.entries)
        elif result.held:
            log.warning(
                "corpus changed on disk, but members would lose %d thing(s); still serving "
                "the previous %d entries (a moderator can accept with /kb reload "
                "force:true):\n%s",
                len(result.losses),
                result.entries,
                "\n".join(f"  {line}" for line in describe(result.losses, 50)),
            )
        elif result.unsettled or result.busy:
            log.info("corpus changed on disk but is still being written; trying again")
            self._seen = frozenset()  # look again on the next poll
        else:
            log.error(
                "corpus changed on disk but has %d problem(s); still serving the previous "
                "%d entries:\n%s",
                len(result.issues),
                result.entries,
                "\n".join(f"  {issue_line(issue, root)}" for issue in result.issues),
            )

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.poll()
            except Exception:  # the watcher must outlive any one bad poll
                log.exception("watching %s failed; trying again", self.kb.path)
