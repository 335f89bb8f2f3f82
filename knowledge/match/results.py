"""What matching hands back: the decision (``ask --json``) and the explanation (``kb explain``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from knowledge.corpus import Kind
from knowledge.smalltalk import SmallTalk


@dataclass(frozen=True)
class Candidate:
    """An entry and how confident the matcher is that it answers the question."""

    id: str
    kind: Kind
    title: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """What the matcher decided. ``match`` is set only when the bot should answer."""

    question: str
    match: Candidate | None
    best: Candidate | None
    suggestions: tuple[Candidate, ...]
    smalltalk: SmallTalk | None = None
    refused: str | None = None
    """Why the question was not matched at all: "empty" or "too_long"."""

    @property
    def score(self) -> float:
        return self.best.score if self.best else 0.0

    def to_json(self) -> dict[str, Any]:
        """The ``careerbot ask --json`` contract."""
        return {
            "question": self.question,
            "match": self.match.id if self.match else None,
            "kind": self.match.kind if self.match else None,
            "score": round(self.score, 1),
            "best": self.best.id if self.best else None,
            "suggestions": [c.id for c in self.suggestions],
        }


class TermMatch(NamedTuple):
    """How one question word was understood. A named tuple, not a frozen dataclass:
    every word of every question makes one, and this is several times cheaper."""

    word: str
    term: str | None
    similarity: float
    weight: float


@dataclass(frozen=True)
class CandidateExplanation:
    candidate: Candidate
    word_score: float
    """The word score that ranks the entry (whole question)."""
    context_word_score: float
    """The word score as confidence (``context_cap``): higher for a long question."""
    string_score: float
    char_score: float
    """Character n-gram similarity of the entry's closest unit (0 when turned off)."""
    meaning_score: float
    """Meaning similarity to the entry (0-100; 0 when turned off)."""
    best_unit: str
    best_unit_text: str
    matched: tuple[TermMatch, ...]


@dataclass(frozen=True)
class Explanation:
    result: MatchResult
    terms: tuple[TermMatch, ...]
    evidence: float
    candidates: tuple[CandidateExplanation, ...]
    sentence: str | None = None
    """The one sentence of the question the best candidate's score came from, if any
    (the rest of the explanation is then about that sentence)."""
