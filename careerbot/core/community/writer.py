"""Applying a moderator's change to the corpus folder: checked, atomic, logged, served.

Every change goes the same way (:meth:`CorpusWriter._change`), one at a time:

1. take the writers' lock (a thread lock for this process, and an ``flock`` on
   ``community/.lock`` for other processes sharing the folder), then **re-read** the
   file, so two moderators adding at once both land;
2. apply the edit to the text (:mod:`.files`) and check the **whole** corpus with the
   new text, exactly as ``careerbot kb check`` does (:func:`knowledge.loader.check_texts`):
   a change that would break the corpus is refused with the problems, and nothing is
   written;
3. log the change with the file's bytes before it (:mod:`.changes`), write the file to
   a temporary name, fsync, and rename it over the old one (readers see the old file
   or the new one, never half of it);
4. reload the served corpus, the same reload as ``/kb reload``.

A corpus folder the bot may not write to (mounted read-only, owned by someone else)
is no error: the outcome says so and carries the YAML to paste by hand.

The work runs in a worker thread: a slow disk never holds up other members.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from careerbot.core.community import changes as log
from careerbot.core.community import files
from careerbot.core.community.files import ENTRIES_FILE, PHRASINGS_FILE, Draft, EditRefused
from knowledge import KnowledgeBase, ReloadResult
from knowledge.loader import check_texts, corpus_files, issue_line
from knowledge.models import MAX_LINE_CHARS, MIN_PHRASINGS

LOCK_FILE = "community/.lock"
MAX_ISSUES_SHOWN = 8

Status = Literal["done", "invalid", "refused", "read_only"]


@dataclass(frozen=True)
class Moderator:
    """Who made a change, for the log."""

    id: int
    name: str


@dataclass(frozen=True)
class WriteOutcome:
    """What happened to a change, in words a moderator reads in Discord."""

    status: Status
    message: str
    file: str
    issues: tuple[str, ...] = ()
    """``file:line:column: message`` for each problem the change would have caused."""
    paste: str | None = None
    """For a read-only folder: the YAML to add to :attr:`file` by hand."""
    change_id: int | None = None
    reload: ReloadResult | None = None

    @property
    def ok(self) -> bool:
        return self.status == "done"


class _ReadOnly(Exception):
    """The corpus folder cannot be written to."""


_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


class CorpusWriter:
    """Moderators' changes to the corpus served by ``kb``; see the module docstring."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        clock: Callable[[], datetime] | None = None,
        on_reloaded: Callable[[bool], Awaitable[object]] | None = None,
    ) -> None:
        self.kb = kb
        self._lock = threading.Lock()
        self._clock = clock or (lambda: datetime.now(UTC))
        self.on_reloaded = on_reloaded
        """Awaited after a change was written and served here, with whether its reload
        was forced: how the other processes sharing the database hear of it
        (:meth:`careerbot.runtime.corpus_sync.CorpusSync.announce`)."""

    async def _applied(
        self, change: Callable[..., WriteOutcome], *args: object, **kwargs: object
    ) -> WriteOutcome:
        """Run a change (blocking file work, so in a thread), then pass its reload on."""
        outcome = await asyncio.to_thread(change, *args, **kwargs)
        reload = outcome.reload
        if outcome.ok and reload is not None and reload.ok and self.on_reloaded is not None:
            await self.on_reloaded(reload.forced)
        return outcome

    @property
    def root(self) -> Path:
        return self.kb.path

    # ------------------------------------------------------------------ changes ---

    async def add_phrasing(self, who: Moderator, entry_id: str, phrasing: str) -> WriteOutcome:
        """Add ``phrasing`` to entry ``entry_id`` in ``community/phrasings.yaml``, or to
        the draft itself when ``entry_id`` is a draft (see :mod:`.files`)."""
        text = " ".join(phrasing.split())
        corpus = self.kb.corpus
        draft = any(d.id == entry_id for d in corpus.drafts)
        if entry_id not in corpus and not draft:
            return WriteOutcome("refused", f"There is no entry `{entry_id}`.", PHRASINGS_FILE)
        if not text:
            return WriteOutcome("refused", "The phrasing is empty.", PHRASINGS_FILE)
        if len(text) > MAX_LINE_CHARS:
            return WriteOutcome(
                "refused",
                f"A phrasing is at most {MAX_LINE_CHARS} characters; this one has {len(text)}.",
                PHRASINGS_FILE,
            )
        if draft:
            return await self._applied(
                self._change,
                who,
                ENTRIES_FILE,
                lambda old: files.add_draft_phrasing(old, entry_id, text),
                action="add-phrasing",
                what=f"phrasing “{text}” added to draft {entry_id}",
            )
        return await self._applied(
            self._change,
            who,
            PHRASINGS_FILE,
            lambda old: files.add_phrasing(old, entry_id, text),
            action="add-phrasing",
            what=f"phrasing “{text}” added to {entry_id}",
            paste=files.phrasing_snippet(entry_id, text),
        )

    async def draft_entry(self, who: Moderator, draft: Draft) -> WriteOutcome:
        """Write ``draft`` under ``drafts:`` in ``community/entries.yaml`` (not served)."""
        cleaned = Draft(
            id=draft.id.strip(),
            question=" ".join(draft.question.split()),
            answer=draft.answer.strip(),
            phrasings=tuple(p for p in (" ".join(x.split()) for x in draft.phrasings) if p),
        )
        return await self._applied(
            self._change,
            who,
            ENTRIES_FILE,
            lambda old: files.add_draft(old, cleaned),
            action="draft",
            what=f"draft {cleaned.id} written",
            paste=files.draft_snippet(cleaned),
        )

    async def accept_draft(self, who: Moderator, draft_id: str) -> WriteOutcome:
        """Move draft ``draft_id`` to ``faq:``: served from the reload on."""
        draft = next((d for d in self.kb.corpus.drafts if d.id == draft_id), None)
        if draft is not None and len(draft.phrasings) < MIN_PHRASINGS:
            return WriteOutcome(
                "refused",
                f"`{draft_id}` has {len(draft.phrasings)} phrasing(s); an entry needs at "
                f"least {MIN_PHRASINGS} before it is served. Add some with “Add as phrasing” "
                "(drafts are offered too), then accept it.",
                ENTRIES_FILE,
            )
        return await self._applied(
            self._change,
            who,
            ENTRIES_FILE,
            lambda old: files.accept_draft(old, draft_id),
            action="accept",
            what=f"draft {draft_id} accepted",
        )

    async def reject_draft(self, who: Moderator, draft_id: str) -> WriteOutcome:
        """Remove draft ``draft_id`` (undo brings it back)."""
        return await self._applied(
            self._change,
            who,
            ENTRIES_FILE,
            lambda old: files.reject_draft(old, draft_id),
            action="reject",
            what=f"draft {draft_id} rejected",
        )

    async def undo(self, who: Moderator, *, only: int | None = None) -> WriteOutcome:
        """Undo the newest change not undone yet: its file back, byte for byte. With
        ``only`` (an Undo button under one change), only if that change is the newest."""
        return await self._applied(self._undo, who, only)

    def history(self) -> list[log.Change]:
        return log.read(self.root)

    # ------------------------------------------------------------------ the work ---

    def _change(
        self,
        who: Moderator,
        relative: str,
        edit: Callable[[str | None], str],
        *,
        action: str,
        what: str,
        paste: str | None = None,
    ) -> WriteOutcome:
        with self._locked() as writable:
            before = self._read(relative)
            try:
                new_text = edit(None if before is None else before.decode("utf-8"))
            except EditRefused as exc:
                return WriteOutcome("refused", str(exc), relative)
            issues = self._check({relative: new_text})
            if issues:
                return WriteOutcome(
                    "invalid", "That change would break the corpus.", relative, issues
                )
            new = new_text.encode("utf-8")
            try:
                if not writable:
                    raise _ReadOnly()
                with self._staged(relative, new) as commit:
                    change = self._log(who, relative, before, new, action=action, what=what)
                    commit()
            except _ReadOnly:
                return self._read_only(relative, paste, what)
        reload = self.kb.reload()
        return WriteOutcome("done", what, relative, change_id=change.id, reload=reload)

    def _undo(self, who: Moderator, only: int | None) -> WriteOutcome:
        try:
            with self._locked() as writable:
                if not writable:
                    raise _ReadOnly()
                target = log.last_undoable(log.read(self.root))
                if target is None:
                    return WriteOutcome("refused", "There is no change to undo.", "")
                if only is not None and target.id != only:
                    return WriteOutcome(
                        "refused",
                        "That change is not the newest any more (or was undone already); "
                        "`/kb undo` undoes the newest change first.",
                        target.file,
                    )
                current = self._read(target.file)
                if log.digest(current) != target.after_sha256:
                    return WriteOutcome(
                        "refused",
                        f"`{target.file}` was changed by hand after “{target.what}”, so I "
                        "will not undo it over that edit; change the file by hand instead.",
                        target.file,
                    )
                restored = None if target.before is None else target.before.decode("utf-8")
                issues = self._check({target.file: restored})
                if issues:
                    return WriteOutcome(
                        "invalid",
                        f"Undoing “{target.what}” would break the corpus now.",
                        target.file,
                        issues,
                    )
                with self._staged(target.file, target.before) as commit:
                    change = self._log(
                        who,
                        target.file,
                        current,
                        target.before,
                        action="undo",
                        what=f"undo: {target.what}",
                        undoes=target.id,
                    )
                    commit()
        except _ReadOnly:
            return self._read_only("", None, "undo")
        # An undo may take an entry away again (an accepted draft): the moderator asked.
        reload = self.kb.reload(force=True)
        return WriteOutcome(
            "done", f"Undone: {target.what}.", target.file, change_id=change.id, reload=reload
        )

    def _check(self, changed: dict[str, str | None]) -> tuple[str, ...]:
        """Problems of the whole corpus with ``changed`` files (None: removed)."""
        texts: dict[str, str] = {}
        for path in corpus_files(self.root):
            relative = path.relative_to(self.root).as_posix()
            try:
                texts[relative] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                texts[relative] = "\0"  # reported as unreadable by the check below
        for relative, text in changed.items():
            if text is None:
                texts.pop(relative, None)
            else:
                texts[relative] = text
        _, issues = check_texts(self.root, texts)
        return tuple(issue_line(issue, self.root) for issue in issues)

    def _log(
        self,
        who: Moderator,
        relative: str,
        before: bytes | None,
        after: bytes | None,
        *,
        action: str,
        what: str,
        undoes: int | None = None,
    ) -> log.Change:
        previous = log.read(self.root)
        change = log.Change(
            id=(previous[-1].id + 1) if previous else 1,
            at=self._clock().isoformat(timespec="seconds"),
            who_id=who.id,
            who=who.name,
            action=action,
            what=what,
            file=relative,
            before=before,
            after_sha256=log.digest(after),
            undoes=undoes,
        )
        try:
            log.append(self.root, change)
        except OSError as exc:
            raise _not_writable(exc) from exc
        return change

    def _read(self, relative: str) -> bytes | None:
        try:
            return (self.root / relative).read_bytes()
        except FileNotFoundError:
            return None

    @contextlib.contextmanager
    def _staged(self, relative: str, data: bytes | None) -> Iterator[Callable[[], None]]:
        """Write ``data`` to a temporary file beside ``relative`` (fsynced) and yield
        the commit: a rename over the file (or, for ``None``, its removal), then an fsync
        of the folder. Staging first means a folder that refuses writes is found out
        before anything is logged; a temporary file left uncommitted is removed."""
        target = self.root / relative
        temporary: str | None = None
        if data is not None:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
            except OSError as exc:
                raise _not_writable(exc) from exc
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())

        def commit() -> None:
            if temporary is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(temporary, target)
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

        try:
            yield commit
        finally:
            if temporary is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[bool]:
        """Hold the writers' lock; yields whether the folder can be written at all."""
        with self._lock:
            if not self.root.is_dir():
                yield False  # a one-file corpus: moderators' files have nowhere to go
                return
            lock_path = self.root / LOCK_FILE
            try:
                lock_path.parent.mkdir(exist_ok=True)
                handle = lock_path.open("a")
            except OSError as exc:
                if exc.errno not in _NOT_WRITABLE:
                    raise
                yield False
                return
            with handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield True
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _read_only(self, relative: str, paste: str | None, what: str) -> WriteOutcome:
        if paste is None:
            message = (
                "I cannot write to the corpus folder (it is read-only for me), so nothing "
                f"was changed ({what})."
            )
        else:
            message = (
                "I cannot write to the corpus folder (it is read-only for me), so nothing "
                f"was changed. To make it so, add this to `{relative}` in the corpus folder "
                "(create the file if it is missing), then run `/kb reload`:"
            )
        return WriteOutcome("read_only", message, relative, paste=paste)


def _not_writable(exc: OSError) -> Exception:
    """A permission problem becomes :class:`_ReadOnly`; anything else stays an error."""
    if exc.errno in _NOT_WRITABLE:
        return _ReadOnly()
    return exc
