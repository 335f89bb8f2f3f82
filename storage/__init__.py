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
from storage.models import (
    STATUSES,
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
)
from storage.sqlite.peek import read_progress_item_counts, read_question_gaps


async def open_storage(
    path: str | Path,
    *,
    limits: ReminderLimits | None = None,
    busy_timeout_ms: int = 5_000,
) -> Storage:
    """Open the store at ``path`` (a SQLite file, created if missing), migrate it to the
    latest schema and return it ready to use.

    Raises :class:`SchemaTooNewError` (file untouched) if a newer careerbot wrote it.
    """
    location = str(path)
    if location.startswith(("postgres://", "postgresql://")):
        raise StorageError("the PostgreSQL backend is not available yet; use a SQLite file path")
    from storage.sqlite import open_sqlite

    return await open_sqlite(path, limits=limits, busy_timeout_ms=busy_timeout_ms)


__all__ = [
    "STATUSES",
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
    "open_storage",
    "read_progress_item_counts",
    "read_question_gaps",
]
