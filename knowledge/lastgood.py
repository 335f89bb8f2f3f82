"""The last good corpus, saved beside the database so a broken edit cannot stop the bot.

After every corpus that is served (at start-up or by a reload), its files' text is
written, exactly as validated, to one JSON file next to the database. If a later
start-up finds the corpus folder broken (a file the watcher refused, a half-saved
edit, a YAML bomb), it serves this copy instead of refusing to start, and says so.
The copy is written to a temporary file and renamed over the old one, so a crash
mid-write leaves the previous copy whole.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from knowledge.corpus import Corpus
from knowledge.loader import Issue, check_texts

log = logging.getLogger(__name__)

FORMAT = 1
SUFFIX = ".last-good-corpus.json"


def path_beside(database_path: Path) -> Path | None:
    """Where the copy for this database lives (none for an in-memory database)."""
    if str(database_path) in ("", ":memory:"):
        return None
    return database_path.with_name(database_path.name + SUFFIX)


@dataclass(frozen=True)
class LastGood:
    corpus: Corpus
    saved_at: str
    source: str
    """The corpus folder it was read from, as the server knows it."""


def save(path: Path, corpus: Corpus) -> bool:
    """Write ``corpus``'s files to ``path`` atomically; ``False`` (logged) when it cannot."""
    payload = {
        "format": FORMAT,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": str(corpus.root),
        "files": dict(sorted(corpus.texts.items())),
    }
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
        if existing.get("files") == payload["files"] and existing.get("source") == str(corpus.root):
            return True  # unchanged: no write on every start
    except (OSError, ValueError, AttributeError):
        pass
    try:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("could not save the last good corpus to %s: %s", path.name, exc.strerror)
        return False
    return True


def load(path: Path, root: Path) -> tuple[LastGood | None, list[Issue]]:
    """The saved corpus, validated again as if its files were under ``root``."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        files = payload["files"]
        if payload.get("format") != FORMAT or not isinstance(files, dict):
            raise ValueError("unknown format")
    except FileNotFoundError:
        return None, []
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, [Issue(path.name, 1, 1, f"the saved copy cannot be read: {exc}")]
    corpus, issues = check_texts(root, {str(k): str(v) for k, v in files.items()})
    if corpus is None:
        return None, issues
    return LastGood(corpus, str(payload.get("saved_at", "?")), str(payload.get("source", ""))), []
