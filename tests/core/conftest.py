"""The bot tests' fixtures (a fake Discord, a bot runner, a store, the corpus), shared
with the layers under it that moved out of ``bot/``; and ``store``, a fresh store on
each backend, for the core modules that read storage directly."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Storage, open_storage
from tests.bot.conftest import *  # noqa: F403


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    if request.param == "sqlite":
        location = str(tmp_path / "careerbot.sqlite3")
    else:
        location = request.getfixturevalue("pg_server").fresh()
    async with await open_storage(location) as db:
        yield db
