"""The corpus the bot is serving right now, and safe reloads of it.

The bot holds one :class:`KnowledgeBase`. A reload builds a complete new corpus and
index off to the side and swaps it in with a single assignment only when it is
valid, so a broken edit never takes answers away from members, and a question in
flight keeps the snapshot it started with.

Valid is not enough: a reload is also held back when the files changed while they
were read (:mod:`knowledge.settle`), or when the new corpus would lose entries,
checklist items, synonyms or text members read (:mod:`knowledge.losses`), unless a
moderator forces it. Every corpus served is saved beside the database
(:mod:`knowledge.lastgood`), and a start-up that finds the folder broken serves that
copy instead of not starting.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge import lastgood
from knowledge.corpus import Corpus
from knowledge.loader import CorpusInvalid, Issue, check_corpus, load_corpus
from knowledge.losses import Loss, corpus_losses, describe
from knowledge.match import Matcher, MatchResult, MatchSettings
from knowledge.settle import Fingerprint, fingerprint, wait_until_settled

DEFAULT_KNOWLEDGE_PATH = Path(__file__).resolve().parent

log = logging.getLogger(__name__)

#: How long a reload waits for one already running before saying so (a reload takes
#: about a second; parsing is bounded, see :mod:`knowledge.yamlsource`).
RELOAD_WAIT_SECONDS = 30.0

#: Checks run on every reload after :func:`corpus_losses`: ``(old, new) -> losses``.
LossCheck = Callable[[Corpus, Corpus], Sequence[Loss]]


@dataclass(frozen=True)
class Snapshot:
    """A corpus and the index built over it: always replaced together."""

    corpus: Corpus
    matcher: Matcher


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    issues: tuple[Issue, ...]
    entries: int
    """Entries now being served (the old count when the reload was refused)."""
    losses: tuple[Loss, ...] = ()
    """What the new corpus would lose: held back unless forced (or accepted, if forced)."""
    unsettled: bool = False
    """The files were still changing: nothing was read; try again in a moment."""
    busy: bool = False
    """Another reload was still running."""
    forced: bool = False

    @property
    def held(self) -> bool:
        """Valid, but held back because of its losses."""
        return not self.ok and bool(self.losses)

    @property
    def outcome(self) -> str:
        """One word for metrics and logs: ok, refused, held, unsettled, busy."""
        if self.ok:
            return "ok"
        if self.held:
            return "held"
        if self.unsettled:
            return "unsettled"
        if self.busy:
            return "busy"
        return "refused"


@dataclass(frozen=True)
class Fallback:
    """Why the bot serves the last good copy instead of the corpus folder."""

    issues: tuple[Issue, ...]
    losses: tuple[Loss, ...]
    saved_at: str


class KnowledgeBase:
    """Serves one valid corpus at a time; see the module docstring for why."""

    def __init__(
        self,
        snapshot: Snapshot,
        path: Path,
        settings: MatchSettings,
        *,
        last_good: Path | None = None,
        fallback: Fallback | None = None,
        files: Fingerprint | None = None,
    ) -> None:
        self._snapshot = snapshot
        self.path = path
        self.settings = settings
        self.last_good = last_good
        self.fallback = fallback
        """Set while serving the last good copy because the folder was broken at start."""
        self.loss_checks: list[LossCheck] = [corpus_losses]
        self.last_refusal: ReloadResult | None = None
        """The last reload refused or held back since the last one that went through:
        what the watcher found, for moderators who never read the log (``/kb stats``)."""
        self.files: Fingerprint | None = None if fallback is not None else files
        """The folder's fingerprint when the corpus being served was read from it;
        ``None`` while serving the last good copy. Lets a reload that another process
        announced, or the watcher, skip files this process already serves."""
        self._reload_lock = threading.Lock()

    @classmethod
    def load(
        cls,
        path: str | Path = DEFAULT_KNOWLEDGE_PATH,
        settings: MatchSettings | None = None,
        *,
        last_good: Path | None = None,
    ) -> KnowledgeBase:
        """Load ``path``; raises :class:`CorpusInvalid` so a bad corpus fails start-up,
        unless ``last_good`` holds a saved copy to serve instead (see :attr:`fallback`)."""
        settings = settings or MatchSettings()
        path = Path(path)
        files = fingerprint(path)
        corpus, issues = check_corpus(path)
        saved, saved_issues = (
            lastgood.load(last_good, path) if last_good is not None else (None, [])
        )
        if saved_issues:
            log.warning(
                "the last good corpus saved in %s is unusable: %s",
                last_good.name if last_good else "?",
                saved_issues[0],
            )
        fallback: Fallback | None = None
        if corpus is None:
            if saved is None:
                raise CorpusInvalid(issues or [Issue(str(path), 1, 1, "could not be loaded")])
            fallback = Fallback(tuple(issues), (), saved.saved_at)
        elif saved is not None and saved.source == str(path):
            losses = corpus_losses(saved.corpus, corpus)
            if losses:
                fallback = Fallback((), tuple(losses), saved.saved_at)
        if fallback is not None:
            assert saved is not None
            corpus = saved.corpus
            _log_fallback(path, fallback)
        assert corpus is not None
        kb = cls(
            Snapshot(corpus, Matcher(corpus, settings)),
            path,
            settings,
            last_good=last_good,
            fallback=fallback,
            files=files if fingerprint(path) == files else None,
        )
        if fallback is None:
            kb._save_last_good(corpus)
        return kb

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def corpus(self) -> Corpus:
        return self._snapshot.corpus

    @property
    def matcher(self) -> Matcher:
        return self._snapshot.matcher

    def ask(self, question: str, threshold: float | None = None) -> MatchResult:
        return self._snapshot.matcher.match(question, threshold)

    def losses(self, new: Corpus) -> list[Loss]:
        """What serving ``new`` instead of the current corpus would lose (every check)."""
        found: list[Loss] = []
        for check in self.loss_checks:
            found.extend(check(self._snapshot.corpus, new))
        return sorted(set(found))

    def reload(self, *, force: bool = False) -> ReloadResult:
        """Re-read the corpus folder; keep serving the old corpus if the new one is
        invalid, was changing while read, or (unless ``force``) would lose anything."""
        if not self._reload_lock.acquire(timeout=RELOAD_WAIT_SECONDS):
            return ReloadResult(False, (), len(self._snapshot.corpus), busy=True)
        try:
            served = len(self._snapshot.corpus)
            before = fingerprint(self.path)
            try:
                corpus = load_corpus(self.path)
            except CorpusInvalid as exc:
                self.last_refusal = ReloadResult(False, tuple(exc.issues), served)
                return self.last_refusal
            if fingerprint(self.path) != before:
                return ReloadResult(False, (), served, unsettled=True)
            losses = tuple(self.losses(corpus))
            if losses and not force:
                self.last_refusal = ReloadResult(False, (), served, losses=losses)
                return self.last_refusal
            self._snapshot = Snapshot(corpus, Matcher(corpus, self.settings))
            self.files = before
            if self.fallback is not None:
                log.warning("serving the corpus folder again, no longer the last good copy")
            self.fallback = None
            self.last_refusal = None
            self._save_last_good(corpus)
            return ReloadResult(True, (), len(corpus), losses=losses, forced=force)
        finally:
            self._reload_lock.release()

    async def reload_async(self, *, force: bool = False, settle: bool = True) -> ReloadResult:
        """:meth:`reload` in a worker thread, so the event loop keeps serving meanwhile;
        with ``settle``, first wait until the files stop changing (:mod:`knowledge.settle`)."""
        if settle and not await wait_until_settled(self.path):
            return ReloadResult(False, (), len(self._snapshot.corpus), unsettled=True)
        return await asyncio.to_thread(self.reload, force=force)

    def _save_last_good(self, corpus: Corpus) -> None:
        if self.last_good is not None and corpus.texts:
            lastgood.save(self.last_good, corpus)


def _log_fallback(path: Path, fallback: Fallback) -> None:
    """Loudly: an operator must see that the folder is not what members get."""
    if fallback.issues:
        why = f"has {len(fallback.issues)} problem(s)"
        details = [f"  {issue}" for issue in fallback.issues[:20]]
    else:
        why = f"would lose {len(fallback.losses)} thing(s) members had"
        details = [f"  {line}" for line in describe(fallback.losses, 20)]
    log.error(
        "THE CORPUS AT %s %s: serving the last good copy (saved %s) instead. Fix the "
        "files and run /kb reload (force:true to accept losses).\n%s",
        path,
        why,
        fallback.saved_at,
        "\n".join(details),
    )
