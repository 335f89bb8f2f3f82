"""The PostgreSQL backend: ``asyncpg``, for several processes sharing one database.

It runs the same queries as the SQLite backend (the mixins of :mod:`storage.sqlite`);
what differs is in :mod:`storage.postgres.dialect` (placeholders, identity columns,
row counts), :mod:`storage.postgres.base` (a connection pool, transactions, row locks)
and :mod:`storage.postgres.migrate` (a version table, an advisory lock).
"""

from storage.postgres.backend import PostgresStorage, open_postgres

__all__ = ["PostgresStorage", "open_postgres"]
