"""Why the matcher ranked what it ranked (``careerbot kb explain``), for moderators
tuning phrasings.

Built from the stages' own results for the question (a
:class:`~knowledge.match.decide.Ranking`), so the explanation shows exactly the scores
the decision used, without matching the question again.
"""

from __future__ import annotations

import numpy as np

from knowledge.match.decide import Ranking, TextScores, candidate
from knowledge.match.index import Index
from knowledge.match.results import CandidateExplanation, Explanation, MatchResult
from knowledge.match.topk import top_k


def explain_entry(
    index: Index, scores: TextScores, entry: int, share: float
) -> CandidateExplanation:
    """One entry's scores from each stage, its closest unit, and the question's words it
    has (those of the closest unit first, then by weight)."""
    query, words, opinions = scores.query, scores.words, scores.opinions
    units = np.flatnonzero(index.unit_entry == entry)
    best_unit = int(units[np.argmax(words.unit[units])]) if len(units) else -1
    unit_terms = set(index.unit_terms[best_unit]) if best_unit >= 0 else set()
    entry_terms = {t for u in units for t in index.unit_terms[int(u)]}
    matched = tuple(t for t in query.terms if t.term is not None and t.term in entry_terms)
    return CandidateExplanation(
        candidate=candidate(index, entry, scores.final[entry] * share),
        word_score=round(float(words.rank[entry]) * 100, 1),
        context_word_score=round(float(words.confidence[entry]) * 100, 1),
        string_score=round(float(scores.string.similarity[entry]) * 100, 1),
        char_score=round(float(opinions.char[entry]) * 100, 1),
        meaning_score=round(float(opinions.meaning[entry]) * 100, 1),
        best_unit=index.unit_labels[best_unit] if best_unit >= 0 else "",
        best_unit_text=index.unit_texts[best_unit] if best_unit >= 0 else "",
        matched=tuple(sorted(matched, key=lambda t: (t.term not in unit_terms, -t.weight))),
    )


def explain(
    index: Index,
    question: str,
    result: MatchResult,
    ranking: Ranking,
    top: int,
    sentence_weight: float,
) -> Explanation:
    """The ``top`` candidates of the text the best came from, each with what drove its
    score. When that text is one sentence of the message, scores count at
    ``sentence_weight``, as in the ranking."""
    source, scores = ranking.source, ranking.scores
    share = sentence_weight if source != question else 1.0
    order = scores.order
    explained = tuple(
        explain_entry(index, scores, int(i), share) for i in top_k(order, top) if order[i] > 0
    )
    return Explanation(
        result,
        tuple(scores.query.terms),
        round(scores.evidence, 3),
        explained,
        sentence=source if source != question else None,
    )
