"""The log of moderators' changes to the corpus, kept beside the files it describes.

One JSON line per change in ``community/changes.jsonl``: who, when, what, which file,
that file's bytes before the change (``None``: it did not exist) and a hash of the
bytes written. The bytes make undo exact (a file is restored byte for byte, comments
and all); the hash lets undo refuse when someone edited the file by hand since, rather
than silently throw their edit away. Living in the corpus folder, the log travels with
the files (a backup of the folder can still be undone) and needs no database.

The log is appended to and fsynced *before* the file is replaced: a crash in between
leaves a record whose undo restores what is already there, which is harmless.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOG_FILE = "community/changes.jsonl"


def digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Change:
    """One change: ``undoes`` is set on the record an undo writes."""

    id: int
    at: str
    who_id: int
    who: str
    action: str
    what: str
    file: str
    before: bytes | None
    after_sha256: str | None
    undoes: int | None = None

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "id": self.id,
            "at": self.at,
            "who_id": self.who_id,
            "who": self.who,
            "action": self.action,
            "what": self.what,
            "file": self.file,
            "before": None if self.before is None else base64.b64encode(self.before).decode(),
            "after_sha256": self.after_sha256,
            "undoes": self.undoes,
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> Change:
        data = json.loads(line)
        before = data.get("before")
        return cls(
            id=int(data["id"]),
            at=str(data["at"]),
            who_id=int(data["who_id"]),
            who=str(data["who"]),
            action=str(data["action"]),
            what=str(data["what"]),
            file=str(data["file"]),
            before=None if before is None else base64.b64decode(before),
            after_sha256=data.get("after_sha256"),
            undoes=data.get("undoes"),
        )


def read(root: Path) -> list[Change]:
    """Every change logged under ``root``, oldest first (a torn last line is skipped:
    it belongs to a change whose file was never replaced)."""
    path = root / LOG_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in lines:
        if not line.strip():
            continue
        try:
            found.append(Change.from_json(line))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def append(root: Path, change: Change) -> None:
    path = root / LOG_FILE
    with path.open("a", encoding="utf-8") as out:
        out.write(change.to_json() + "\n")
        out.flush()
        os.fsync(out.fileno())


def last_undoable(changes: list[Change]) -> Change | None:
    """The newest change that is not an undo and was not undone."""
    undone = {c.undoes for c in changes if c.undoes is not None}
    for change in reversed(changes):
        if change.undoes is None and change.id not in undone:
            return change
    return None
