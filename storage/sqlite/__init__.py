"""The SQLite backend: one file, ``aiosqlite``, no server.

``base`` holds the connection and transaction discipline; each other module holds the
queries of one area (members, progress, reminders, guilds, question log, data rights)
as a mixin; ``backend`` assembles them into :class:`SqliteStorage`.
"""

from storage.sqlite.backend import SqliteStorage, open_sqlite

__all__ = ["SqliteStorage", "open_sqlite"]
