"""Opening a PostgreSQL store: connect, refuse newer schemas, migrate, pool."""

from __future__ import annotations

import asyncpg

from storage.errors import StorageError
from storage.locations import redact
from storage.models import ReminderLimits
from storage.postgres import migrate as pg_migrate
from storage.postgres.base import DRIVER_ERRORS, PostgresBase
from storage.sqlite.community import CommunityMixin
from storage.sqlite.coordination import CoordinationMixin
from storage.sqlite.guilds import GuildsMixin
from storage.sqlite.members import MembersMixin
from storage.sqlite.notices import NoticesMixin
from storage.sqlite.progress import ProgressMixin
from storage.sqlite.question_report import QuestionReportMixin
from storage.sqlite.reminders import RemindersMixin
from storage.sqlite.rights import RightsMixin


class PostgresStorage(
    MembersMixin,
    ProgressMixin,
    RemindersMixin,
    NoticesMixin,
    GuildsMixin,
    QuestionReportMixin,
    CoordinationMixin,
    CommunityMixin,
    RightsMixin,
    PostgresBase,
):
    """:class:`storage.Storage` on a PostgreSQL database. Create it with
    :func:`open_postgres`. The plumbing of :class:`PostgresBase` comes before the
    SQLite base in the method order; the queries are the shared mixins'."""


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset when a connection goes back to the pool: the store never
    changes session state (no SET, LISTEN or advisory locks on pooled connections), and
    asyncpg rolls back an unfinished transaction itself. asyncpg's default reset
    costs one more round trip per call."""


async def open_postgres(
    url: str,
    *,
    limits: ReminderLimits | None = None,
    pool_size: int = 10,
    up_to: int | None = None,
) -> PostgresStorage:
    """Connect to ``url``, migrate (once, even with several processes starting) and
    return a store on a pool of up to ``pool_size`` connections.

    ``up_to`` stops migrating at that schema version; for tests only.
    """
    shown = redact(url)
    try:
        conn = await asyncpg.connect(url)
    except (*DRIVER_ERRORS, ValueError) as error:
        raise StorageError(f"{shown}: cannot connect ({error})") from error
    try:
        await pg_migrate.apply(conn, shown, up_to=up_to)
    except DRIVER_ERRORS as error:
        raise StorageError(f"{shown}: cannot migrate ({error})") from error
    finally:
        await conn.close()
    try:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=pool_size, reset=_keep_session)
    except DRIVER_ERRORS as error:
        raise StorageError(f"{shown}: cannot connect ({error})") from error
    return PostgresStorage(shown, pool, limits or ReminderLimits())
