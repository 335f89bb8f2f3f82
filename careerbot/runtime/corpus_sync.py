"""One corpus across processes: a reload anywhere is a reload everywhere.

Every process reads the corpus from its own folder (in a deployment of several, the
same files on a shared volume). A reload that went through in one process, by ``/kb
reload`` or by the file watcher, is announced on :data:`CORPUS_CHANNEL` with the
files' fingerprint and whether it was forced; every other process then reloads its
own folder through the same path (:meth:`knowledge.KnowledgeBase.reload_async`: it
waits for the files to settle, refuses invalid ones, and holds back a corpus that
would lose what members had unless the announced reload was forced).

A process that already serves the announced files does nothing (its own watcher may
have been quicker), and only reloads that went through are announced: one that was
refused or held back changed nothing, and each process's watcher reports its own.
After a gap in the notices (a lost connection) a process reloads if its folder is no
longer what it serves; the ``force`` of a notice it missed is not replayed, so such a
change stays held back there until a moderator forces it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from careerbot.runtime.broadcast import CORPUS_CHANNEL, Broadcast, LocalBroadcast, Notice
from careerbot.runtime.metrics import METRICS, Metrics
from knowledge import KnowledgeBase
from knowledge.service import ReloadResult
from knowledge.settle import digest, fingerprint

log = logging.getLogger(__name__)

#: A notice met by a reload already running (or files still being written) is tried
#: again this many times, a second apart: the other reload may not have been forced.
RETRIES = 3
RETRY_PAUSE_SECONDS = 1.0


class CorpusSync:
    """Reloads that reach every process; see the module docstring."""

    def __init__(
        self,
        kb: KnowledgeBase,
        broadcast: Broadcast | None = None,
        *,
        on_reload: Callable[[ReloadResult], None] | None = None,
        metrics: Metrics = METRICS,
        retry_pause: float = RETRY_PAUSE_SECONDS,
    ) -> None:
        self.kb = kb
        self.broadcast = broadcast if broadcast is not None else LocalBroadcast()
        self.on_reload = on_reload
        """Told of every reload made for another process (or after a gap) that did not
        go through: the watcher's hook that tells moderators."""
        self.metrics = metrics
        self.retry_pause = retry_pause
        self.followed = 0
        """Reloads made because another process announced one."""
        self.unannounced = False
        """The last reload that went through here could not be announced: the other
        processes still serve what they had (said to the moderator who asked)."""
        self.broadcast.subscribe(CORPUS_CHANNEL, self._on_notice)
        self.broadcast.on_gap(self._on_gap)

    async def reload(
        self, *, force: bool = False, settle: bool = True, by: str = "?"
    ) -> ReloadResult:
        """Reload here and, if it went through, tell every other process. ``by`` says
        who asked, for the other processes' logs (a door's name, never a secret)."""
        result = await self.kb.reload_async(force=force, settle=settle)
        if result.ok:
            self.unannounced = not await self.announce(force=force, by=by)
        return result

    async def announce(self, *, force: bool = False, by: str = "?") -> bool:
        """Tell the other processes to serve the files this process now serves."""
        return await self.broadcast.publish(
            CORPUS_CHANNEL, {"files": digest(self.kb.files), "force": force, "by": by}
        )

    async def _on_notice(self, notice: Notice) -> None:
        files, force = notice.data.get("files"), notice.data.get("force") is True
        by = str(notice.data.get("by", "?"))[:100]
        for attempt in range(RETRIES + 1):
            if files and files == digest(self.kb.files):
                log.debug("already serving the corpus another process reloaded (%s)", by)
                return
            result = await self.kb.reload_async(force=force)
            if not (result.busy or result.unsettled) or attempt == RETRIES:
                break
            await asyncio.sleep(self.retry_pause)
        self.followed += 1
        self.metrics.reloads.inc(result=result.outcome)
        self._report(result, f"another process reloaded the corpus ({by})")

    async def _on_gap(self) -> None:
        """Notices may have been missed: reload if the folder is not what is served."""
        current = await asyncio.to_thread(fingerprint, self.kb.path)
        if current == self.kb.files:
            return
        result = await self.kb.reload_async()
        self.metrics.reloads.inc(result=result.outcome)
        self._report(result, "caught up with changes made while not listening")

    def _report(self, result: ReloadResult, why: str) -> None:
        if result.ok:
            log.info(
                "%s: reloaded %d entries%s",
                why,
                result.entries,
                " (forced)" if result.forced else "",
            )
            return
        log.warning(
            "%s, but this process did not take it (%s); still serving %d entries",
            why,
            result.outcome,
            result.entries,
        )
        if self.on_reload is not None:
            self.on_reload(result)
