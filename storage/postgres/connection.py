"""An asyncpg connection that answers the calls the shared queries make.

The mixins of :mod:`storage.sqlite` were written against aiosqlite: ``execute`` (whose
result has ``rowcount``), ``executemany`` and ``execute_fetchall`` with ``?``
placeholders and a parameter tuple. This adapter gives an asyncpg connection the same
three calls, so both backends run one copy of each query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from storage.postgres import dialect


@dataclass(frozen=True)
class Result:
    rowcount: int


class PgConnection:
    """The aiosqlite-shaped face of one asyncpg connection (inside a transaction)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.raw = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        status = await self.raw.execute(dialect.placeholders(sql), *params)
        return Result(dialect.rowcount(status))

    async def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(row) for row in params]
        if batch:
            await self.raw.executemany(dialect.placeholders(sql), batch)

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(await self.raw.fetch(dialect.placeholders(sql), *params))
