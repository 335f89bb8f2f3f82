"""Reload the corpus when moderators change its files (``CAREERBOT_WATCH_KNOWLEDGE``).

A polling watcher: every ``interval`` seconds it takes a snapshot of every ``*.yaml``
under the corpus folder (relative path, size, modification time in nanoseconds) and,
when the snapshot differs from the last one, reloads through
:meth:`knowledge.KnowledgeBase.reload_async`, the same all-or-nothing path as
``/kb reload``. Polling needs no dependency, works on every OS and on bind mounts
(where inotify events often never arrive), and a few dozen ``stat`` calls every two
seconds cost nothing.

A refused reload logs every ``file:line:column: message`` and the old corpus keeps
being served. A file caught half-written fails validation, and the rest of the write
changes the snapshot again, which triggers another reload: no debouncing is needed
for correctness.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from bot.metrics import METRICS, Metrics
from bot.render import issue_line
from knowledge import KnowledgeBase
from knowledge.service import ReloadResult

log = logging.getLogger(__name__)

Fingerprint = frozenset[tuple[str, int, int]]


def fingerprint(root: Path) -> Fingerprint:
    """What the watcher compares: (path, size, mtime_ns) of every YAML file."""
    found: set[tuple[str, int, int]] = set()
    for path in root.rglob("*.yaml"):
        try:
            stat = path.stat()
        except OSError:  # deleted between listing and stat: the next poll sees it gone
            continue
        found.add((path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    return frozenset(found)


class KnowledgeWatcher:
    """Polls the corpus folder and reloads on change; a :class:`bot.services.Service`."""

    name = "knowledge watcher"

    def __init__(
        self,
        kb: KnowledgeBase,
        interval: float = 2.0,
        *,
        on_reload: Callable[[ReloadResult], None] | None = None,
        metrics: Metrics = METRICS,
    ) -> None:
        self.kb = kb
        self.interval = interval
        self.on_reload = on_reload
        self.metrics = metrics
        self._task: asyncio.Task[None] | None = None
        self._seen: Fingerprint = frozenset()

    async def start(self) -> None:
        self._seen = await asyncio.to_thread(fingerprint, self.kb.path)
        self._task = asyncio.create_task(self._run(), name="careerbot: knowledge watcher")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def poll(self) -> ReloadResult | None:
        """One look at the files; the reload's result when they changed."""
        current = await asyncio.to_thread(fingerprint, self.kb.path)
        if current == self._seen:
            return None
        self._seen = current
        result = await self.kb.reload_async()
        root = self.kb.path
        if result.ok:
            self.metrics.reloads.inc(result="ok")
            log.info("corpus changed on disk: reloaded %d entries", result.entries)
        else:
            self.metrics.reloads.inc(result="refused")
            log.error(
                "corpus changed on disk but has %d problem(s); still serving the previous "
                "%d entries:\n%s",
                len(result.issues),
                result.entries,
                "\n".join(f"  {issue_line(issue, root)}" for issue in result.issues),
            )
        if self.on_reload is not None:
            self.on_reload(result)
        return result

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.poll()
            except Exception:  # the watcher must outlive any one bad poll
                log.exception("watching %s failed; trying again", self.kb.path)
