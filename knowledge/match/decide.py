"""Stages 4 and 6: how sure to be, which entries rank, and whether to answer.

- **Evidence** (:func:`evidence`): a question made only of common words ("machine
  learning engineer") carries little; its word score is damped by that
  (:func:`damped`), while near-identical wording keeps its own confidence.
- **Ranking and confidence** differ in one respect, ``context_cap``: see
  :mod:`knowledge.match.words`.
- **Sentences** (:func:`merge`): a message of several sentences is also matched on its
  question sentence alone (``sentence_weight``); an entry keeps the better confidence
  of the two.
- **The decision** (:func:`decide`): the best entry is answered only when it clears the
  threshold; otherwise the close ones are offered as "did you mean" suggestions.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from knowledge.match.index import Index
from knowledge.match.query import Query
from knowledge.match.rerank import Opinions, StringScores
from knowledge.match.results import Candidate, MatchResult
from knowledge.match.settings import MatchSettings
from knowledge.match.topk import top_k
from knowledge.match.words import WordScores
from knowledge.smalltalk import SmallTalk


class TextScores(NamedTuple):
    """Every stage's result for one text (a whole message, or one of its sentences)."""

    query: Query
    words: WordScores
    string: StringScores
    evidence: float
    opinions: Opinions

    @property
    def order(self) -> np.ndarray:
        """Per entry, the ranking key, 0-100."""
        return self.opinions.order

    @property
    def final(self) -> np.ndarray:
        """Per entry, the confidence, 0-100."""
        return self.opinions.final


class Ranking(NamedTuple):
    """A message's best entries, and the scores behind the best one."""

    candidates: list[Candidate]
    """Best first, scored by confidence."""
    source: str
    """The text the best candidate's score came from: the message or one sentence."""
    scores: TextScores
    """The scores of ``source``."""


def evidence(matched_weight: float, max_idf: float, evidence_terms: float) -> float:
    """0-1: does the question carry enough rare-word weight to be sure of anything?
    Full confidence needs ``evidence_terms`` rare-word equivalents (half the weight of
    a word only one entry has, each)."""
    need = evidence_terms * max_idf * 0.5
    return min(1.0, matched_weight / need) if need > 0 else 1.0


def damped(word: np.ndarray, string_confidence: np.ndarray, evidence: float) -> np.ndarray:
    """Per entry, 0-100: the word score damped by the evidence, or what the wording
    alone earns, whichever is higher."""
    return np.maximum(word * evidence, string_confidence) * 100.0


def candidate(index: Index, entry: int, score: float) -> Candidate:
    """Entry number ``entry`` as a candidate with confidence ``score``."""
    return Candidate(
        id=index.entry_ids[entry],
        kind=index.entry_kinds[entry],
        title=index.entry_titles[entry],
        score=round(float(score), 1),
    )


def ranked(index: Index, scores: TextScores, k: int, share: float = 1.0) -> list[Candidate]:
    """The ``k`` best entries of one text by its ranking key, with their confidence
    times ``share``; entries that scored nothing are left out."""
    order, final = scores.order, scores.final
    return [candidate(index, int(i), final[i] * share) for i in top_k(order, k) if order[i] > 0]


def merge(
    question: str, whole: list[Candidate], by_sentence: list[tuple[str, list[Candidate]]], k: int
) -> tuple[list[Candidate], str]:
    """The message's ``k`` best: each entry at its best confidence, from the whole
    message or one of its sentences (the earlier wins a tie); and the text the best
    came from."""
    best = {c.id: (c, question) for c in whole}
    for sentence, candidates in by_sentence:
        for c in candidates:
            known = best.get(c.id)
            if known is None or c.score > known[0].score:
                best[c.id] = (c, sentence)
    merged = sorted(best.values(), key=lambda pair: -pair[0].score)[:k]
    return [c for c, _ in merged], (merged[0][1] if merged else question)


def decide(
    question: str,
    candidates: list[Candidate],
    smalltalk: SmallTalk | None,
    threshold: float,
    settings: MatchSettings,
) -> MatchResult:
    """Answer with the best candidate if it clears ``threshold``, with close runners-up
    as suggestions; else abstain, offering those above ``suggestion_floor``. Small talk
    is never answered with an entry."""
    best = candidates[0] if candidates else None
    if smalltalk is not None:
        return MatchResult(question, None, best, (), smalltalk=smalltalk)
    floor = settings.suggestion_floor
    if best is not None and best.score >= threshold:
        others = tuple(c for c in candidates[1:4] if c.score >= max(floor, best.score * 0.6))
        return MatchResult(question, best, best, others)
    suggestions = tuple(c for c in candidates[:3] if c.score >= floor)
    return MatchResult(question, None, best, suggestions)
