"""The corpus the bot is serving right now, and safe reloads of it.

The bot holds one :class:`KnowledgeBase`. A reload builds a complete new corpus and
index off to the side and swaps it in with a single assignment only when it is
valid, so a broken edit never takes answers away from members, and a question in
flight keeps the snapshot it started with.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

from knowledge.corpus import Corpus
from knowledge.loader import CorpusInvalid, Issue, load_corpus
from knowledge.match import Matcher, MatchResult, MatchSettings

DEFAULT_KNOWLEDGE_PATH = Path(__file__).resolve().parent


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


class KnowledgeBase:
    """Serves one valid corpus at a time; see the module docstring for why."""

    def __init__(self, snapshot: Snapshot, path: Path, settings: MatchSettings) -> None:
        self._snapshot = snapshot
        self.path = path
        self.settings = settings
        self._reload_lock = threading.Lock()

    @classmethod
    def load(
        cls, path: str | Path = DEFAULT_KNOWLEDGE_PATH, settings: MatchSettings | None = None
    ) -> KnowledgeBase:
        """Load ``path``; raises :class:`CorpusInvalid` so a bad corpus fails start-up."""
        settings = settings or MatchSettings()
        path = Path(path)
        corpus = load_corpus(path)
        return cls(Snapshot(corpus, Matcher(corpus, settings)), path, settings)

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

    def reload(self) -> ReloadResult:
        """Re-read the corpus folder; keep serving the old corpus if the new one is invalid."""
        with self._reload_lock:
            try:
                corpus = load_corpus(self.path)
            except CorpusInvalid as exc:
                return ReloadResult(False, tuple(exc.issues), len(self._snapshot.corpus))
            self._snapshot = Snapshot(corpus, Matcher(corpus, self.settings))
            return ReloadResult(True, (), len(corpus))

    async def reload_async(self) -> ReloadResult:
        """:meth:`reload` in a worker thread, so the event loop keeps serving meanwhile."""
        return await asyncio.to_thread(self.reload)
