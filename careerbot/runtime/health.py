"""Is the bot able to work? ``careerbot health`` and the optional HTTP endpoints.

:func:`check` is what a container's ``HEALTHCHECK`` runs (through ``careerbot health``):
the database exists and opens (and is migrated, as ``run`` would) and the corpus loads.
It never creates a database: ``run`` does, on its first start. It needs
no token and never talks to Discord, so a health check cannot be rate-limited.

:class:`HealthServer` is a background service (see :mod:`careerbot.runtime.services`), started only
when ``CAREERBOT_HEALTH_PORT`` is set:

* ``GET /healthz``: ``200 ok`` while the store answers a query, ``503`` otherwise; the
  body says whether the gateway session is ready;
* ``GET /metrics``: :data:`careerbot.runtime.metrics.METRICS` in Prometheus' text format.

It binds ``CAREERBOT_HEALTH_HOST`` (127.0.0.1 by default: nothing outside the machine
sees it unless asked; 0.0.0.0 in a container).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from careerbot.runtime.metrics import METRICS, Metrics
from knowledge import CorpusInvalid, KnowledgeBase
from storage import Storage, StorageError, is_postgres_url, open_storage, redact

log = logging.getLogger(__name__)


@dataclass
class HealthReport:
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def check(database: str | Path, knowledge_path: Path) -> HealthReport:
    """Open the database and load the corpus; every problem is one line."""
    report = HealthReport()
    try:
        kb = await asyncio.to_thread(KnowledgeBase.load, knowledge_path)
        report.facts.append(f"corpus {knowledge_path}: {len(kb.corpus)} entries")
    except CorpusInvalid as exc:
        report.problems.append(f"the corpus at {knowledge_path} has {len(exc.issues)} problem(s):")
        report.problems += [f"  {issue}" for issue in exc.issues[:20]]
    except OSError as exc:
        report.problems.append(f"cannot read the corpus at {knowledge_path}: {exc}")
    if not is_postgres_url(str(database)) and not Path(database).exists():
        # Opening would create an empty database wherever health happened to run (a
        # typo in CAREERBOT_DATABASE_PATH, the wrong folder), and report it healthy.
        report.problems.append(
            f"no database at {Path(database).resolve()}: `careerbot run` creates it on its "
            "first start; elsewhere, set CAREERBOT_DATABASE_PATH to the bot's database"
        )
        return report
    try:
        async with await open_storage(database) as db:
            version = await db.schema_version()  # a real query
        report.facts.append(f"database {redact(database)}: schema version {version}")
    except (StorageError, OSError) as exc:
        report.problems.append(f"cannot open the database {redact(database)}: {exc}")
    return report


class HealthServer:
    """``/healthz`` and ``/metrics`` over aiohttp; a :class:`careerbot.runtime.services.Service`."""

    name = "health server"

    def __init__(
        self,
        db: Storage,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        ready: Callable[[], bool] = lambda: True,
        listening: Callable[[], bool | None] = lambda: None,
        metrics: Metrics = METRICS,
    ) -> None:
        self.db = db
        self.host = host
        self.port = port
        self.ready = ready
        self.listening = listening
        """Whether other processes' changes (reloads, settings) can reach this one;
        ``None`` when there are none (SQLite). Shown, not failed on: the bot still
        answers, and the listener comes back by itself."""
        self.metrics = metrics
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        return app

    async def start(self) -> None:
        runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        # Port 0 asks the system for a free one (tests); report the real one.
        server = getattr(site, "_server", None)
        if self.port == 0 and server is not None and server.sockets:
            self.port = server.sockets[0].getsockname()[1]
        log.info("health server on http://%s:%d/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        try:
            await self.db.schema_version()
        except StorageError as exc:
            log.error("health check: the database does not answer: %s", exc)
            return web.Response(status=503, text="database unavailable\n")
        gateway = "ready" if self.ready() else "connecting"
        text = f"ok\ndiscord {gateway}\n"
        listening = self.listening()
        if listening is not None:
            text += f"other processes' changes {'heard' if listening else 'reconnecting'}\n"
        return web.Response(text=text)

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.metrics.render().encode(),
            headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
        )
