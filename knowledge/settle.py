"""Is the corpus on disk settled, or is someone still saving it?

An editor or ``cp`` writes a file in pieces, and a reload that reads it in between
sees a prefix of it. Much of such a prefix is valid YAML and a valid corpus (see
:mod:`knowledge.losses`), so reloads wait until the files have stopped changing:

* the watcher reloads only a state it saw on two polls in a row;
* ``/kb reload`` waits until the newest file is :data:`QUIET_SECONDS` old, or until
  two looks that far apart agree (for clocks that disagree, e.g. network shares);
* every reload compares the files' fingerprint before and after reading them, and
  drops what it read if they changed meanwhile.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from pathlib import Path

from knowledge.loader import corpus_files

Fingerprint = frozenset[tuple[str, int, int]]

#: How long the files must have been left alone before ``/kb reload`` reads them.
QUIET_SECONDS = 1.0
#: How long ``/kb reload`` waits for files that keep changing before giving up.
SETTLE_LIMIT_SECONDS = 10.0


def fingerprint(root: Path) -> Fingerprint:
    """(relative path, size, mtime in ns) of every corpus file: what a save changes."""
    if root.is_file():
        files, base = [root], root.parent
    else:
        files, base = (corpus_files(root) if root.exists() else []), root
    found: set[tuple[str, int, int]] = set()
    for path in files:
        try:
            stat = path.stat()
        except OSError:  # deleted between listing and stat: the next look sees it gone
            continue
        found.add((path.relative_to(base).as_posix(), stat.st_size, stat.st_mtime_ns))
    return frozenset(found)


def digest(print_: Fingerprint | None) -> str:
    """A short stable name for a fingerprint, to send to other processes and log
    (``""`` for none). Processes reading one shared folder compute the same one."""
    if print_ is None:
        return ""
    text = "\n".join(f"{name}\t{size}\t{mtime}" for name, size, mtime in sorted(print_))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def quiet_for(print_: Fingerprint, now: float | None = None) -> float:
    """Seconds since the newest change in ``print_`` (negative for a clock ahead of ours)."""
    if not print_:
        return float("inf")
    newest = max(mtime for _, _, mtime in print_) / 1e9
    return (time.time() if now is None else now) - newest


async def wait_until_settled(
    root: Path, quiet: float = QUIET_SECONDS, limit: float = SETTLE_LIMIT_SECONDS
) -> bool:
    """Wait until nothing under ``root`` has changed for ``quiet`` seconds; ``False``
    when the files were still changing after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    seen = await asyncio.to_thread(fingerprint, root)
    while True:
        age = quiet_for(seen)
        if age >= quiet:
            return True
        wait = quiet - age if 0 <= age < quiet else quiet
        if time.monotonic() + wait > deadline:
            return False
        await asyncio.sleep(wait)
        now = await asyncio.to_thread(fingerprint, root)
        if now == seen and age < 0:
            return True  # a clock ahead of ours: two looks ``quiet`` apart agree
        seen = now
