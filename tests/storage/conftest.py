"""Shared fixtures: every test gets a real SQLite file of its own in ``tmp_path``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import Storage, open_storage

#: A fixed "now" so that tests do not depend on the clock.
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "careerbot.sqlite3"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Storage]:
    storage = await open_storage(db_path)
    try:
        yield storage
    finally:
        await storage.close()
