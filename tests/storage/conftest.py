"""Shared fixtures: every test gets a store of its own, on each backend.

``db`` (and ``db_location``, for tests that open stores themselves) is parametrised:
a real SQLite file in ``tmp_path``, and a fresh database on the session's throw-away
PostgreSQL cluster (skipped, with one line in the header, where PostgreSQL is not
installed). Tests about the SQLite file itself use ``db_path`` or ``@sqlite_only``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import Storage, open_storage

#: A fixed "now" so that tests do not depend on the clock.
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "careerbot.sqlite3"


@pytest.fixture(params=BACKENDS)
def db_location(request: pytest.FixtureRequest, db_path: Path) -> str:
    """Where a fresh, empty store lives: a SQLite path or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(db_path)
    return request.getfixturevalue("pg_server").fresh()


@pytest.fixture
async def db(db_location: str) -> AsyncIterator[Storage]:
    storage = await open_storage(db_location)
    try:
        yield storage
    finally:
        await storage.close()


#: For tests about the SQLite file itself (its schema, query plans): ``db`` on SQLite only.
sqlite_only = pytest.mark.parametrize("db_location", ["sqlite"], indirect=True)
