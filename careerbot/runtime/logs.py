"""Logging for ``careerbot run`` / ``sync``: one line per event, and no secrets.

Two formats, chosen by ``CAREERBOT_LOG_FORMAT`` or ``--log-format``:

* ``plain``: ``2026-01-31T09:00:00Z INFO bot.client logged in as ... guild=123``, the
  time in UTC, the level, the component (the logger's name) and the message, then
  ``key=value`` for every ``extra=`` field, so ids can be grepped;
* ``json``: one object per line with ``time``, ``level``, ``component``, ``message``,
  the extra fields, and ``exc`` for a traceback, which is what log shippers parse.

Tracebacks in the plain format follow their line, indented, so a reader sees the event
first; in JSON they stay inside the one object.

Redaction is the last line of defence behind ``SecretStr``: careerbot's handler
formats through :class:`RedactingFormatter`, which replaces the configured token, and
anything shaped like a Discord bot token, in the finished line (message, arguments,
extra fields and traceback alike).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

LogFormat = Literal["plain", "json"]

REDACTED = "[redacted]"

#: Discord bot tokens: base64 user id, a dot, a timestamp part, a dot, an HMAC.
TOKEN_PATTERN = re.compile(r"[A-Za-z\d_-]{23,28}\.[A-Za-z\d_-]{6,7}\.[A-Za-z\d_-]{27,}")

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}

_HANDLER_NAME = "careerbot"


class Redactor:
    """Replaces known secrets and token-shaped strings in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """Wraps a formatter and redacts its whole output: message, arguments, ``extra=``
    fields and traceback alike, whatever put the secret there.

    Redacting the formatted text, rather than changing the record in a filter, leaves
    the record intact for any other handler (pytest's capture, a library's own).
    """

    def __init__(self, inner: logging.Formatter, redactor: Redactor) -> None:
        super().__init__()
        self.inner = inner
        self.redact = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(self.inner.format(record))


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (as ``logging.lastResort``
    does), so a replaced stderr (tests, a daemon wrapper) is never written after close."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def extras(record: logging.LogRecord) -> list[str]:
    """The ``extra=`` fields of a record, in the order they were given."""
    return [k for k in vars(record) if k not in _STANDARD and not k.startswith("_")]


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _plain_value(value: Any) -> str:
    text = str(value)
    if not text or any(c.isspace() or c in '"=' for c in text):
        return json.dumps(text, ensure_ascii=False)
    return text


class PlainFormatter(logging.Formatter):
    """``time level component message key=value ...`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().replace("\n", "\\n")
        parts = [_timestamp(record), record.levelname, record.name, message]
        parts += [f"{k}={_plain_value(getattr(record, k))}" for k in extras(record)]
        line = " ".join(parts)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line += "\n" + "\n".join("    " + t for t in record.exc_text.splitlines())
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "component": record.name,
            "message": record.getMessage(),
        }
        for key in extras(record):
            value = getattr(record, key)
            data[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exc"] = record.exc_text
        if record.stack_info:
            data["stack"] = record.stack_info
        return json.dumps(data, ensure_ascii=False)


def setup_logging(
    level: str = "INFO",
    fmt: LogFormat = "plain",
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Route every logger (ours and discord.py's) through one redacting handler.

    Calling it again replaces careerbot's handler rather than adding a second one, so
    tests and repeated CLI calls in one process do not double every line.
    """
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    )
    handler.set_name(_HANDLER_NAME)
    inner = JsonFormatter() if fmt == "json" else PlainFormatter()
    handler.setFormatter(RedactingFormatter(inner, Redactor(secrets)))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # discord.py's HTTP layer logs every request at DEBUG with headers; keep it quieter
    # than ours unless asked for explicitly.
    if logging.getLevelName(level) == logging.DEBUG:
        logging.getLogger("discord.http").setLevel(logging.INFO)
    return handler


def fatal_line(message: str, fmt: LogFormat, *, secrets: Iterable[str] = ()) -> str:
    """The last words of a command that cannot go on, in the log format asked for.

    ``run --log-format json`` is read by a log shipper, which drops (or mangles) a plain
    line among JSON ones: the reason the bot did not start would be lost exactly when it
    matters. Plain is ``careerbot: message`` (for a person at a terminal); JSON is one
    object as :class:`JsonFormatter` writes every other line, level ``CRITICAL``.
    """
    redact = Redactor(secrets)
    if fmt != "json":
        return redact(f"careerbot: {message}")
    record = logging.LogRecord("careerbot", logging.CRITICAL, "", 0, message, None, None)
    return redact(JsonFormatter().format(record))
