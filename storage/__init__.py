"""careerbot's memory: members, progress, streaks, reminders, guild settings and the
question log, behind one backend-neutral async API.

Use::

    from storage import open_storage

    async with await open_storage("careerbot.sqlite3") as db:
        await db.set_progress(member_id, "python", "python/functions", "done")

Nothing here knows about Discord or the knowledge corpus; see ``storage/README.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from storage.api import Storage
from storage.errors import (
    ForgottenMemberError,
    InvalidInputError,
    LimitExceededError,
    MigrationError,
    NotFoundError,
    SchemaTooNewError,
    StorageError,
)
from storage.locations import is_postgres_url, redact
from storage.models import (
    STATUSES,
    CommunityThread,
    CooldownTurn,
    EntryStats,
    Feedback,
    GapRow,
    GuildSettings,
    LearningPath,
    LoggedQuestion,
    Member,
    MemberPrefs,
    ProgressEvent,
    ProgressItem,
    ProgressSummary,
    QuestionStats,
    Reminder,
    ReminderLimits,
    ReminderTarget,
    Schedule,
    SkillProgress,
    Stats,
    Status,
    Streak,
    Visibility,
    WeekStats,
)
from storage.readonly import open_readonly
from storage.sqlite import peek as _sqlite_peek

if TYPE_CHECKING:
    from storage.postgres.gate import SpacedGate


def read_progress_item_counts(location: str | Path) -> dict[str, int]:
    """How many members have progress on each stored checklist item id, read without
    migrating or writing anything (``kb check --db``): a SQLite file or a PostgreSQL
    URL. Blocking: call it from sync code or a thread."""
    if is_postgres_url(str(location)):
        from storage.postgres.peek import read_progress_item_counts as read_postgres

        return read_postgres(str(location))
    return _sqlite_peek.read_progress_item_counts(location)


def open_gate(location: str | Path, *, spacing: float) -> SpacedGate | None:
    """Turns shared by every process on the PostgreSQL database at ``location``, each
    lasting ``spacing`` seconds (:mod:`storage.postgres.gate`); ``None`` for a SQLite
    file, which only one process uses. Connects on the first turn; close it when done."""
    location = str(location)
    if not is_postgres_url(location):
        return None
    from storage.postgres.gate import SpacedGate

    return SpacedGate(location, spacing=spacing)


async def open_storage(
    path: str | Path,
    *,
    limits: ReminderLimits | None = None,
    busy_timeout_ms: int = 5_000,
) -> Storage:
    """Open the store at ``path``, migrate it to the latest schema and return it ready
    to use. ``path`` is a SQLite file (created if missing) or a
    ``postgresql://user:password@host/dbname`` URL (the database must exist).

    Raises :class:`SchemaTooNewError` (database untouched) if a newer careerbot wrote it.
    """
    location = str(path)
    if is_postgres_url(location):
        from storage.postgres import open_postgres

        return await open_postgres(location, limits=limits)
    from storage.sqlite import open_sqlite

    return await open_sqlite(path, limits=limits, busy_timeout_ms=busy_timeout_ms)


__all__ = [
    "STATUSES",
    "CommunityThread",
    "CooldownTurn",
    "EntryStats",
    "Feedback",
    "ForgottenMemberError",
    "GapRow",
    "GuildSettings",
    "InvalidInputError",
    "LearningPath",
    "LimitExceededError",
    "LoggedQuestion",
    "Member",
    "MemberPrefs",
    "MigrationError",
    "NotFoundError",
    "ProgressEvent",
    "ProgressItem",
    "ProgressSummary",
    "QuestionStats",
    "Reminder",
    "ReminderLimits",
    "ReminderTarget",
    "Schedule",
    "SchemaTooNewError",
    "SkillProgress",
    "Stats",
    "Status",
    "Storage",
    "StorageError",
    "Streak",
    "Visibility",
    "WeekStats",
    "is_postgres_url",
    "open_gate",
    "open_readonly",
    "open_storage",
    "read_progress_item_counts",
    "redact",
]
