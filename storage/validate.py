"""Checks every value before it reaches SQL, and converts times to and from the store.

Why here and not in the database: the same rules must hold for every backend, and the
error must say in plain words what was wrong (the bot shows it to the member).

Text policy (deliberate, tested): any Unicode text round-trips exactly — quotes, SQL
fragments, emoji, right-to-left marks — except NUL (U+0000) and unpaired surrogates,
which are refused with :class:`InvalidInputError`. PostgreSQL ``text`` cannot hold NUL
and neither can UTF-8 hold a lone surrogate, so accepting them in SQLite would make the
two backends disagree. Lengths are capped per field (see the ``MAX_*`` constants).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.errors import InvalidInputError

MAX_ID_LEN = 200
MAX_NAME_LEN = 200
MAX_NOTE_LEN = 500
MAX_REMINDER_TEXT_LEN = 1_000
MAX_QUESTION_LEN = 4_000

#: Largest value a signed 64-bit column (SQLite INTEGER, PostgreSQL BIGINT) holds.
MAX_BIGINT = 2**63 - 1


def text(value: object, field: str, max_len: int, *, allow_empty: bool = False) -> str:
    """Return ``value`` unchanged if it is acceptable text for ``field``, else raise."""
    if not isinstance(value, str):
        raise InvalidInputError(f"{field} must be text, not {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise InvalidInputError(f"{field} must not be empty")
    if len(value) > max_len:
        raise InvalidInputError(
            f"{field} is too long: {len(value):,} characters (at most {max_len:,})"
        )
    if "\x00" in value:
        raise InvalidInputError(f"{field} must not contain NUL (\\x00) characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError(f"{field} contains an unpaired surrogate character") from None
    return value


def storable(value: str) -> str:
    """``value`` with what :func:`text` refuses (NUL, unpaired surrogates) replaced by
    U+FFFD, for callers that must keep a record of text they did not choose (a
    member's question) rather than refuse it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in value)
    return value.replace("\x00", "\ufffd")


def optional_text(value: object, field: str, max_len: int) -> str | None:
    return None if value is None else text(value, field, max_len)


def snowflake(value: object, field: str) -> int:
    """A Discord id: a positive int that fits a signed 64-bit column (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{field} must be an integer id, not {type(value).__name__}")
    if not 0 < value <= MAX_BIGINT:
        raise InvalidInputError(f"{field} is out of range for an id: {value}")
    return value


def optional_snowflake(value: object, field: str) -> int | None:
    return None if value is None else snowflake(value, field)


def positive_int(value: object, field: str, maximum: int = MAX_BIGINT) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{field} must be an integer, not {type(value).__name__}")
    if not 0 < value <= maximum:
        raise InvalidInputError(f"{field} must be between 1 and {maximum}: got {value}")
    return value


def fraction(value: object, field: str) -> float:
    """A finite number in [0, 1] (confidences and thresholds)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(f"{field} must be a number, not {type(value).__name__}")
    result = float(value)
    if not math.isfinite(result) or not 0.0 <= result <= 1.0:
        raise InvalidInputError(f"{field} must be between 0 and 1: got {value}")
    return result


def tz_name(value: object, field: str = "time zone") -> str:
    """An IANA zone name that ``zoneinfo`` (with ``tzdata``) knows, e.g. Europe/Berlin."""
    name = text(value, field, 64)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError(
            f"unknown {field} {name!r}: use an IANA name such as Europe/Berlin"
        ) from None
    return name


def aware(value: object, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInputError(f"{field} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInputError(f"{field} must be timezone-aware (naive datetimes are ambiguous)")
    return value


def to_db(value: datetime, field: str = "time") -> int:
    """Store a time as integer Unix seconds (sub-second precision is dropped)."""
    return math.floor(aware(value, field).timestamp())


def optional_to_db(value: datetime | None, field: str = "time") -> int | None:
    return None if value is None else to_db(value, field)


def from_db(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def optional_from_db(value: int | None) -> datetime | None:
    return None if value is None else from_db(value)


def now_or(value: datetime | None) -> datetime:
    """The given time, or now; truncated to whole seconds like everything stored."""
    chosen = datetime.now(UTC) if value is None else aware(value, "time").astimezone(UTC)
    return chosen.replace(microsecond=0)


def time_to_db(value: time) -> str:
    """Local wall-clock times are kept as ``HH:MM`` text: readable and portable."""
    return f"{value.hour:02d}:{value.minute:02d}"


def time_from_db(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))
