"""The :class:`Matcher`: runs the stages of :mod:`knowledge.match` in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from knowledge.corpus import Corpus
from knowledge.match.decide import Ranking, TextScores, damped, decide, evidence, merge, ranked
from knowledge.match.explain import explain
from knowledge.match.index import build_index
from knowledge.match.query import Lookups, Reader, expansion_shares, sentences, words_of
from knowledge.match.rerank import second_opinions, string_scores
from knowledge.match.results import Candidate, Explanation, MatchResult
from knowledge.match.settings import MAX_QUESTION_CHARS, MatchSettings
from knowledge.match.words import word_scores
from knowledge.smalltalk import detect as detect_smalltalk
from knowledge.text import normalize


class Matcher:
    """An index over one corpus. Build once per corpus; matching is read-only (but for
    the reader's memory of how words read, which changes no result)."""

    def __init__(self, corpus: Corpus, settings: MatchSettings | None = None) -> None:
        self.corpus = corpus
        self.settings = settings or MatchSettings()
        self.index = build_index(corpus, self.settings)
        self.reader = Reader(self.index, self.settings)

    def knows(self, word: str) -> bool:
        """Whether a (normalised) word means something in this corpus."""
        return self.reader.knows(word)

    def match(self, question: str, threshold: float | None = None) -> MatchResult:
        """Decide how to answer ``question``; ``threshold`` overrides the setting."""
        return self._match(question, threshold)[0]

    def match_many(self, questions: Sequence[str]) -> list[MatchResult]:
        return [self.match(q) for q in questions]

    def rank(self, question: str, k: int = 4) -> list[Candidate]:
        """The ``k`` best entries for ``question``, best first, ignoring the threshold.

        Scores are confidences; the order is the whole-question one (see
        ``context_cap`` in :mod:`knowledge.match.words`), so a later candidate may rarely
        show a higher score. A message of several sentences is ordered by confidence,
        the best of the whole message and of its question sentence (``sentence_weight``).
        """
        return self._ranking(question, k).candidates

    def explain(self, question: str, top: int = 5) -> Explanation:
        """The top candidates with the unit and words that drove each score."""
        result, ranking = self._match(question, None)
        if ranking is None:
            # Refused: explained all the same, as the text would have scored.
            ranking = self._ranking(question, 4)
        return explain(self.index, question, result, ranking, top, self.settings.sentence_weight)

    def with_settings(self, **changes: Any) -> Matcher:
        """A matcher over the same corpus with some settings changed (for calibration)."""
        return Matcher(self.corpus, replace(self.settings, **changes))

    def _match(self, question: str, threshold: float | None) -> tuple[MatchResult, Ranking | None]:
        """The decision, and the ranking it was made from (None when refused)."""
        threshold = self.settings.threshold if threshold is None else threshold
        if len(question) > MAX_QUESTION_CHARS:
            return MatchResult(question, None, None, (), refused="too_long"), None
        # Normalised once: a long message is normalised in tens of microseconds.
        normalized = normalize(question)
        if not normalized:
            return MatchResult(question, None, None, (), refused="empty"), None
        smalltalk = detect_smalltalk(question, self.knows, normalized)
        ranking = self._ranking(question, 4, normalized)
        return decide(question, ranking.candidates, smalltalk, threshold, self.settings), ranking

    def _ranking(self, question: str, k: int, normalized: str | None = None) -> Ranking:
        """The message's ``k`` best entries, from the whole message and its question
        sentence. ``normalized``: ``normalize(question)``, when the caller has it."""
        lookups: Lookups = {}
        whole = self._score(question, lookups, normalized=normalized)
        candidates = ranked(self.index, whole, k)
        parts = sentences(question, self.settings)
        if not parts:
            return Ranking(candidates, question, whole)
        # The question sentence is read with its whole message's meaning: as good on
        # the calibration sets (development top-1 96.3% -> 96.7%, the rest equal),
        # and long messages, the slowest to match, embed once instead of twice.
        meaning = whole.opinions.meaning_vector
        weight = self.settings.sentence_weight
        by_sentence: list[tuple[str, list[Candidate]]] = []
        scores: dict[str, TextScores] = {}
        for sentence in parts:
            scores[sentence] = self._score(sentence, lookups, meaning)
            by_sentence.append((sentence, ranked(self.index, scores[sentence], k, weight)))
        candidates, source = merge(question, candidates, by_sentence, k)
        return Ranking(candidates, source, scores.get(source, whole))

    def _score(
        self,
        text: str,
        lookups: Lookups,
        meaning_vector: np.ndarray | None = None,
        normalized: str | None = None,
    ) -> TextScores:
        """Every stage on one text. ``meaning_vector``: the meaning to use instead of
        ``text``'s own (a sentence uses its message's); ``normalized``:
        ``normalize(text)``, when the caller has it already."""
        index, settings = self.index, self.settings
        shares = (
            expansion_shares(text, index.synonyms, normalized) if settings.expansion_share else None
        )
        query = self.reader.read(words_of(text, index.synonyms, normalized), lookups, shares)
        words = word_scores(index, settings, query)
        strength = evidence(query.matched_weight, index.max_idf, settings.evidence_terms)
        string = string_scores(index, settings, query, words)
        order = damped(words.rank, string.confidence, strength)
        final = damped(words.confidence, string.confidence, strength)
        opinions = second_opinions(index, settings, query, order, final, strength, meaning_vector)
        return TextScores(query, words, string, strength, opinions)
