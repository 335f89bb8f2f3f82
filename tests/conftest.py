"""Fixtures shared by every test folder: the throw-away PostgreSQL cluster."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests import pgcluster

#: What the suite says, once, when PostgreSQL variants cannot run here.
SKIP_REASON = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found: PostgreSQL storage tests "
    f"skipped (install the postgresql package, or set {pgcluster.BINDIR_ENV})"
)
#: The migrated database every test database is copied from (fast: a file copy).
TEMPLATE = "careerbot_template"


def pytest_report_header() -> str:
    bindir = pgcluster.find_bindir()
    if bindir is None:
        if pgcluster.required():
            return f"postgresql: missing, and {pgcluster.REQUIRE_ENV} is set: those tests fail"
        return f"postgresql: {SKIP_REASON}"
    return f"postgresql: {pgcluster.version(bindir)} from {bindir}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The one line that says why PostgreSQL variants were skipped (shown with -q too)."""
    if PgServer.skipped:
        terminalreporter.write_line(f"postgresql: {SKIP_REASON}")


def run_async(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` on a loop of its own, from sync code, even inside a running loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


class PgServer:
    """The session's cluster; hands out a fresh database per test."""

    skipped = False
    """Whether the PostgreSQL variants were skipped in this run."""

    def __init__(self, cluster: pgcluster.Cluster) -> None:
        self.cluster = cluster
        self._numbers = itertools.count(1)

    async def _create(self, name: str, template: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.cluster.url())
        try:
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            await conn.close()

    def fresh(self, *, migrated: bool = True) -> str:
        """A new database's URL: migrated to the latest schema, or empty."""
        name = f"t{next(self._numbers)}"
        run_async(self._create(name, TEMPLATE if migrated else "template0"))
        return self.cluster.url(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = pgcluster.find_bindir()
    if bindir is None:
        if pgcluster.required():
            pytest.fail(f"{pgcluster.REQUIRE_ENV} is set but {SKIP_REASON.split(':')[0]}")
        PgServer.skipped = True
        pytest.skip(SKIP_REASON)
    cluster = pgcluster.Cluster(bindir)
    try:
        cluster.start()
        server = PgServer(cluster)
        run_async(server._create(TEMPLATE, "template0"))
        run_async(_migrate(cluster.url(TEMPLATE)))
        yield server
    finally:
        cluster.stop()


async def _migrate(url: str) -> None:
    from storage import open_storage

    store = await open_storage(url)
    await store.close()
