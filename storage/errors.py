"""The errors storage raises, so callers never have to catch a driver's exceptions.

Every backend translates its own failures into these: the bot and the command line
catch ``StorageError`` (or a subclass) and never import ``sqlite3`` or a PostgreSQL
driver.
"""

from __future__ import annotations


class StorageError(Exception):
    """Something went wrong reading or writing the store."""


class InvalidInputError(StorageError, ValueError):
    """A value was refused before it reached the database (too long, NUL, bad zone...).

    The message is written for the person who typed the value, so the bot can show it.
    """


class LimitExceededError(InvalidInputError):
    """A per-member limit (active reminders, reminder frequency) would be exceeded."""


class ForgottenMemberError(StorageError):
    """A write about something a member did *before* asking to be forgotten arrived
    after the forget (e.g. the question-log row of an answer still in flight): it is
    refused, so forgetting is not undone by a write that was already on its way."""


class NotFoundError(StorageError, LookupError):
    """The row an update refers to does not exist (or belongs to someone else)."""


class SchemaTooNewError(StorageError):
    """The database was written by a newer careerbot; we refuse to touch it.

    Opening it with older code could drop or misread columns it does not know, so the
    file is left exactly as it was.
    """

    def __init__(self, path: str, found: int, known: int) -> None:
        self.path = path
        self.found = found
        self.known = known
        super().__init__(
            f"{path}: database schema version {found} is newer than this careerbot "
            f"understands (latest known: {known}). Upgrade careerbot, or restore a backup "
            f"made by this version; the file was not modified."
        )


class MigrationError(StorageError):
    """A migration file is malformed or failed to apply (the database is unchanged)."""
